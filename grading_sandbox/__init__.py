"""The grading kernel's sandbox: what a student's code can see, write and start while it is graded.

- :mod:`.kernel_manager`: the kernel manager nbgrader's executor uses; each
  kernel gets its own runtime folder and starts through a launcher;
- :mod:`.bubblewrap`: the launcher that starts the kernel inside bubblewrap
  (namespaces, a read-only view of what a notebook may import, capped
  scratch space);
- :mod:`.unsandboxed`: the launcher used only where an instructor turns the
  sandbox off (limits only);
- :mod:`.limits`: the resource and process limits both launchers set;
- :mod:`.folder_cap`: the cap on what a kernel writes to the grader's disk.

The launchers run with the grader's rights and import nothing from the
course but this package, so that a kernel starts quickly and nothing a
student hands in can shadow them (they run with ``python -I``).
"""
