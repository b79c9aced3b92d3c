"""The course, declared once: assignments, notebooks, exercises, their hidden-test parts and points.

Everything that lists the course derives from :data:`COURSE`: the checks
(:data:`course_checks.CHECKS`), the helpers a check may see the student call,
the answer catalogue's course list, the notebooks' pinned signatures, the
README's points tables, the hostile class's coverage rule and the demo.

Each exercise names its code by convention rather than by import, so this
module can sit in a grading kernel without reaching the reference:

- the student writes ``<signature>`` in the notebook's solution cell
  ``<name>`` and the hidden grade cells ``test_<name>_<part>`` call
  ``check_<name>(<name>, part="<part>")``;
- the reference is ``solutions_lib.<topic>.<name>``; the check is made from
  ``<name>_cases`` and ``judge_<name>`` in ``course_checks.<topic>`` (see
  :func:`course_checks.checks.exercise_check`); the catalogue of answers is
  ``classroom.catalogue.<topic>``;
- the topic is the notebook's unless the exercise names its own.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One hidden grade cell of an exercise.

    Attributes
    ----------
    name : str
        The part a check is asked for (``"values"``, ``"stable"``, ...).
    points : int
        The grade cell's points, all or nothing.
    checks : str
        What the hidden test checks, as the README's points table says it.
    loop_ban : bool
        The part also requires the function to have no Python loop (see :mod:`course_checks.loop_ban`).
    cases : str or None
        The part whose cases it runs, when not its own (a loop-ban part runs the ``"values"`` cases).
    """

    name: str
    points: int
    checks: str
    loop_ban: bool = False
    cases: str | None = None


def vectorized(points: int, checks: str) -> "Part":
    """The loop-ban part ``"vectorized"``: the ``"values"`` cases again, and no Python loop."""
    return Part("vectorized", points, checks, loop_ban=True, cases="values")


@dataclass(frozen=True)
class Exercise:
    """One graded function.

    Attributes
    ----------
    name : str
        The function's name and its solution cell's grade id.
    signature : str
        The pinned signature, ``name(args)``.
    parts : tuple of Part
        Its hidden grade cells, in notebook order.
    pinned : bool
        Part of the spec's pinned API: at least 3 correct alternatives and 6 realistic bugs in the catalogue.
    topic : str or None
        The module (in ``solutions_lib``, ``course_checks`` and the catalogue) that holds it,
        when it is not its notebook's.
    loops_allowed_in : tuple of str or None
        For a loop-ban part: the graded helpers whose own loops do not count against it; None for every
        other graded function of the notebook (each is judged by its own check).
    """

    name: str
    signature: str
    parts: tuple
    pinned: bool = False
    topic: str | None = None
    loops_allowed_in: tuple | None = None

    @property
    def part_names(self) -> tuple[str, ...]:
        """The names of the parts, in order."""
        return tuple(part.name for part in self.parts)

    def part(self, name: str) -> Part:
        """The :class:`Part` called ``name``; ValueError naming the parts there are."""
        for part in self.parts:
            if part.name == name:
                return part
        raise ValueError(f"part must be one of {self.part_names}, got {name!r}")

    def grade_cell(self, part: str) -> str:
        """The grade id of the hidden cell for ``part``."""
        return f"test_{self.name}_{part}"


@dataclass(frozen=True)
class Notebook:
    """One notebook of an assignment.

    Attributes
    ----------
    file : str
        The notebook's file name in ``source/<assignment>/``.
    topic : str
        The module that holds its exercises (``solutions_lib.<topic>``, ...).
    exercises : tuple of Exercise
        In notebook order.
    shows : tuple of str
        The grade ids of its locked cells that only show (training runs, timings, plots): nothing graded
        needs them, and grading does not run them (:class:`course_grader.execute.GradingExecute`).
    """

    file: str
    topic: str
    exercises: tuple
    shows: tuple = ()

    def topic_of(self, exercise: Exercise) -> str:
        """The module that holds ``exercise``."""
        return exercise.topic or self.topic


@dataclass(frozen=True)
class Assignment:
    """One assignment: a folder of notebooks released and graded together."""

    name: str
    notebooks: tuple

    @property
    def exercises(self) -> list[Exercise]:
        """Every exercise of the assignment, in course order."""
        return [e for nb in self.notebooks for e in nb.exercises]


COURSE = (
    Assignment("01_one_hot", (
        Notebook("one_hot.ipynb", "encoding", (
            Exercise("one_hot", "one_hot(y, num_classes=None)", pinned=True, parts=(
                Part("values", 3, "random labels of several shapes (N != K and N == K), num_classes None or given"),
                Part("num_classes", 2,
                     "num_classes wider than the labels, and labels outside [0, K) that must raise ValueError"),
            )),
            Exercise("encode_labels", "encode_labels(labels)", pinned=True, parts=(
                Part("ints", 3, "non-contiguous, negative and unsorted integer labels"),
                Part("any", 2, "string and bool labels, and a single class"),
            )),
            Exercise("one_hot_broadcast", "one_hot_broadcast(y, num_classes)", parts=(
                Part("values", 2, "random labels of several shapes"),
                vectorized(1, "the function has no loop or comprehension (and is correct)"),
            )),
        )),
    )),
    Assignment("02_softmax", (
        Notebook("softmax.ipynb", "softmax_family", (
            Exercise("softmax", "softmax(Z)", pinned=True, parts=(
                Part("values", 3, "logits of several shapes, N != K and square"),
                Part("stable", 2, "logits near +1000 and -1000, rows far apart, no warnings"),
                vectorized(1, "no loop or comprehension in softmax (and correct values)"),
            )),
            Exercise("logsumexp", "logsumexp(Z)", parts=(
                Part("values", 2, "logits of several shapes"),
                Part("stable", 1, "logits near +1000 and -1000, no warnings"),
            )),
            Exercise("log_softmax", "log_softmax(Z)", pinned=True, parts=(
                Part("values", 2, "logits of several shapes, N != K and square"),
                Part("stable", 2, "logits near +/-1000 and rows with very unlikely classes, no warnings"),
            )),
            Exercise("cross_entropy", "cross_entropy(Z, Y)", pinned=True, parts=(
                Part("values", 3, "logits and one-hot targets of several shapes"),
                Part("stable", 1, "logits near +/-1000 and confidently wrong predictions, no warnings"),
            )),
            Exercise("cross_entropy_grad", "cross_entropy_grad(Z, Y)", parts=(
                Part("values", 2, "logits and one-hot targets of several shapes"),
                Part("stable", 1, "logits near +/-1000, no warnings"),
            )),
        ), shows=("show_loop_timing", "show_softmax_surface", "show_softmax_timing")),
    )),
    Assignment("03_gradients", (
        Notebook("mlp_gradients.ipynb", "mlp_gradients", (
            Exercise("grad_b2", "grad_b2(G)", parts=(
                Part("values", 2, "error signals of several shapes"),
                vectorized(1, "no loop or comprehension (and correct values)"),
            )),
            Exercise("grad_W2", "grad_W2(h, G)", parts=(
                Part("values", 2, "several shapes, N != H != K"),
                vectorized(1, "no loop or comprehension (and correct values)"),
            )),
            Exercise("grad_b1", "grad_b1(G, h, W2)", parts=(
                Part("values", 2, "several shapes, with hidden units that are off"),
                vectorized(1, "no loop or comprehension (and correct values)"),
            )),
            Exercise("grad_W1", "grad_W1(X, G, h, W2)", parts=(
                Part("values", 2, "several shapes, N != D != H"),
                vectorized(1, "no loop or comprehension (and correct values)"),
            )),
            Exercise("compute_gradients", "compute_gradients(X, y, theta)", pinned=True, parts=(
                Part("values", 3, "random networks and data of several shapes"),
                vectorized(1, "no loop or comprehension in compute_gradients or the helpers it calls"),
            )),
        ), shows=("show_gradient_timing", "show_training")),
        Notebook("layers.ipynb", "layers", (
            Exercise("affine_forward", "affine_forward(x, W, b)", pinned=True, parts=(
                Part("values", 3, "shapes with N != D != M and N == D == M; out and cache"),
            )),
            Exercise("affine_backward", "affine_backward(dout, cache)", pinned=True, parts=(
                Part("values", 3, "several shapes; dx, dW and db; inputs unchanged"),
            )),
            Exercise("relu_forward", "relu_forward(x)", pinned=True, parts=(
                Part("values", 2, "2-D and 3-D inputs; out and cache"),
            )),
            Exercise("relu_backward", "relu_backward(dout, cache)", pinned=True, parts=(
                Part("values", 3, "dout with signs independent of x, 2-D and 3-D; inputs unchanged"),
            )),
            Exercise("sigmoid_forward", "sigmoid_forward(x)", pinned=True, parts=(
                Part("values", 2, "ordinary inputs of several shapes; out and cache"),
                Part("stable", 1, "inputs near +/-1000, no warnings"),
            )),
            Exercise("sigmoid_backward", "sigmoid_backward(dout, cache)", pinned=True, parts=(
                Part("values", 3, "several shapes; inputs unchanged"),
            )),
            Exercise("softmax_cross_entropy", "softmax_cross_entropy(logits, Y)", pinned=True, parts=(
                Part("values", 2, "several shapes; loss and gradient"),
                Part("stable", 1, "logits near +/-1000, confidently wrong predictions, no warnings"),
            )),
            Exercise("xavier_uniform", "xavier_uniform(fan_in, fan_out, rng)", parts=(
                Part("values", 2, "several fan sizes: shape, bounds, spread, reproducibility"),
            )),
            Exercise("iterate_minibatches", "iterate_minibatches(X, Y, batch_size, rng)", pinned=True, parts=(
                Part("coverage", 2, "every row once, rows of X and Y paired, the last partial batch kept"),
                Part("shuffling", 1, "shuffled with rng, reshuffled at every call, reproducible from the seed"),
            )),
            Exercise("sgd_step", "sgd_step(params, X, Y, learning_rate)", parts=(
                Part("values", 3, "random networks: the loss and every updated parameter; params unchanged"),
            )),
            Exercise("dropout_forward", "dropout_forward(x, p, train=True, rng=None)", pinned=True, topic="dropout",
                     parts=(
                Part("values", 3, "training (a mask drawn from rng, kept units divided by 1 - p) and test time "
                     "(x unchanged, mask all True), 2-D and 3-D"),
                Part("statistics", 2, "a (200, 300) batch: 1 - p of the units kept (within 0.02), "
                     "a decision per sample and unit"),
                Part("validation", 1, "p outside [0, 1) and rng=None while training raise ValueError; p = 0 keeps all"),
            )),
            Exercise("dropout_backward", "dropout_backward(dout, cache)", pinned=True, topic="dropout", parts=(
                Part("values", 3, "caches of training passes, 1-D to 3-D, p from 0 to 0.75; inputs unchanged"),
            )),
        ), shows=("show_digits", "show_training", "show_training_curves", "show_dropout_training",
                  "pytorch_comparison")),
    )),
    Assignment("04_convolution", (
        Notebook("convolution.ipynb", "convolution", (
            Exercise("conv_output_size", "conv_output_size(size, kernel, stride=1, pad=0)", parts=(
                Part("values", 2, "strides 1 to 3, pads 0 to 3, strides that do not divide evenly"),
            )),
            Exercise("zero_pad", "zero_pad(x, pad)", parts=(
                Part("values", 2, "several shapes, pad 0 to 3"),
            )),
            Exercise("conv_forward_naive", "conv_forward_naive(x, w, b, stride=1, pad=0)", pinned=True, parts=(
                Part("values", 3, "stride 1, pad 0; N != C != F, HH != WW, non-square images"),
                Part("stride_pad", 2, "strides 1 to 3 (some not dividing evenly), pads 0 to 3, HH != WW"),
            )),
            Exercise("conv_backward_naive", "conv_backward_naive(dout, cache)", pinned=True, parts=(
                Part("values", 3, "stride 1, pad 0; dx, dw and db; inputs unchanged"),
                Part("stride_pad", 2, "strides 1 to 3, pads 0 to 3, overlapping windows, HH != WW"),
            )),
            Exercise("conv_forward_fast", "conv_forward_fast(x, w, b, stride=1, pad=0)", pinned=True,
                     loops_allowed_in=("conv_output_size", "zero_pad"), parts=(
                Part("values", 3, "every case of the naive exercise: strides 1 to 3, pads 0 to 3, HH != WW"),
                vectorized(1, "no Python loops or comprehensions (read from your code)"),
            )),
            Exercise("conv_backward_fast", "conv_backward_fast(dout, cache)", pinned=True,
                     loops_allowed_in=("conv_output_size", "zero_pad"), parts=(
                Part("values", 3, "every case of the naive exercise; dx, dw and db; inputs unchanged"),
                vectorized(1, "no Python loops or comprehensions (read from your code)"),
            )),
        ), shows=("show_gradient_check", "show_conv_timing", "show_feature_maps", "show_conv_net")),
    )),
    Assignment("05_gradient_check", (
        Notebook("gradient_check.ipynb", "gradient_check", (
            Exercise("numerical_gradient", "numerical_gradient(f, x, h=1e-5)", pinned=True, parts=(
                Part("values", 3, "smooth functions of their argument, x of several shapes, error < 1e-7"),
                Part("in_place", 2, "f reads x through a closure; x restored exactly"),
            )),
            Exercise("relative_error", "relative_error(a, b)", pinned=True, parts=(
                Part("values", 2, "arrays of several shapes, opposite signs, plain floats"),
                Part("zeros", 1, "zeros in both, and tiny values"),
            )),
            Exercise("numerical_gradient_array", "numerical_gradient_array(f, x, dout, h=1e-5)", pinned=True, parts=(
                Part("values", 3, "linear, elementwise and reducing functions; dout matters"),
                Part("views", 1, "f returns views of x (x.T, slices, x itself)"),
            )),
            Exercise("sparse_gradient_check",
                     "sparse_gradient_check(f, x, analytic_grad, num_checks, rng, h=1e-5)", parts=(
                Part("values", 2, "1-D to 3-D parameters with planted wrong entries"),
                Part("sampling", 1,
                     "indices from rng that vary from check to check (repeats allowed), reproducible from rng"),
            )),
            Exercise("find_buggy_layers", "find_buggy_layers(layers)", parts=(
                Part("values", 3, "two new sets of correct and subtly wrong layers"),
            )),
            Exercise("softplus_backward", "softplus_backward(dout, cache)", parts=(
                Part("values", 2, "inputs of several shapes"),
                Part("stable", 1, "inputs near +/-1000, no warnings"),
            )),
        )),
    )),
)


#: The "How your code is graded" cell, the same in every notebook, right after its title cell.
#: ``python -m classroom.notebook_text`` writes it into ``source/``; the release gets it from nbgrader.
HOW_GRADED_ID = "how-graded"
HOW_GRADED = """\
### How your code is graded

* **Points come only from hidden tests.** The test cell you can see below an exercise checks shapes and
  one worked example, and earns nothing. The points are in hidden test cells that run when your notebook
  is graded, from top to bottom in a fresh kernel: they call your function on new inputs made from a
  random seed (other shapes, `N != K` and `N == K`, extreme values such as logits near ±1000, the edge
  cases the exercise names) and compare what it returns with a correct answer. Their message says what
  is wrong and for which input. Plots, training runs and timings earn no points: the read-only cells
  that start with `# Shows only` are not even run when your notebook is graded, so your functions must
  not rely on anything those cells define.
* **"Vectorized", "without any loop"** is checked by reading your code, not by timing it. That part is
  lost if your function, or a function of this notebook that it calls, has a `for` or `while` loop, a
  comprehension, recursion, a loop in disguise (`map`, `filter`, `itertools`, `functools.reduce`,
  `np.vectorize`, `np.frompyfunc`, `np.apply_along_axis`) or code that cannot be read (`exec`, `eval`).
  The grader reads the syntax, not the words: `for` or `while` in a comment, a docstring or a string is
  fine. It follows your helpers and the ones the notebook gives you (such as `forward` or `softmax`,
  which have no loops), but not NumPy itself, nor another graded exercise, which its own tests judge
  (except in notebook 04, where the fast convolutions may call `conv_output_size` and `zero_pad`, but a
  call to a naive convolution counts as its loops).
* **"No warnings"** means that no warning may leave your function while a hidden test calls it. The tests
  keep NumPy's default settings: an overflow, a division by zero or an invalid value (`nan`) warns and
  fails the test; an underflow to 0 (`np.exp(-1000)` is `0.0`) is silent and fine, so you need no
  `np.errstate(under="ignore")`. Warnings are recorded, not turned into errors (turning them into errors
  yourself, with `np.errstate(all="raise")`, makes even that underflow raise). Silencing one with
  `np.errstate` is allowed, but the values are judged all the same: an `inf` or `nan` that comes out
  still loses the points.
* **What your cells may use**: NumPy and Python's standard library. A cell you write that imports
  `scipy`, `sklearn` or `torch` (the libraries the grader checks against), starts another process
  (`subprocess`, a `!` shell line) or reaches code by a name computed when it runs (`exec`,
  `__import__`, `getattr` with a computed name) is not run at grading time: what it defines scores zero,
  and its output says why.
* **Inputs stay as they were.** A function that leaves an argument changed (`Z -= Z.max()` on the
  caller's array) fails, unless the exercise asks for it.
* **Random draws.** Where a function is given a generator `rng`, draw from it and from nothing else. Any
  correct way of drawing gets the points (`rng.uniform(-a, a, size)` or `a * (2 * rng.random(size) - 1)`,
  `rng.permutation(N)` or `rng.choice(N, N, replace=False)`); different ways draw different numbers, so
  figures printed after a training run can differ from the text's in the last digits.
* **Timings** that the notebook prints depend on your machine and on what else it is doing. They are for
  you to compare, and are not graded.
"""


def shows(assignment: str, notebook: str) -> frozenset[str]:
    """The grade ids of the cells that only show in ``notebook`` (its name without ``.ipynb``) of ``assignment``."""
    return frozenset(i for a in COURSE if a.name == assignment for nb in a.notebooks
                     if nb.file == f"{notebook}.ipynb" for i in nb.shows)


def functions() -> dict[str, list[str]]:
    """``{assignment: [exercise name, ...]}``, in course order."""
    return {a.name: [e.name for e in a.exercises] for a in COURSE}


def exercises() -> dict[str, tuple[Assignment, Notebook, Exercise]]:
    """``{name: (assignment, notebook, exercise)}`` for every exercise, in course order."""
    return {e.name: (a, nb, e) for a in COURSE for nb in a.notebooks for e in nb.exercises}


def grade_cells(assignment: str | None = None) -> dict[str, tuple[str, str]]:
    """``{grade id: (exercise, part)}`` of every hidden grade cell (of ``assignment`` only, if given), in course
    order. The one map from a grade cell to what it grades: every list of grade cells derives from it."""
    return {e.grade_cell(p.name): (e.name, p.name) for a in COURSE if assignment in (None, a.name)
            for e in a.exercises for p in e.parts}


def exercise_of(grade_id: str) -> str | None:
    """The exercise that the hidden grade cell ``grade_id`` grades, or None if no hidden grade cell has that id."""
    found = grade_cells().get(grade_id)
    return found[0] if found else None


def exercise(name: str) -> Exercise:
    """The :class:`Exercise` called ``name``."""
    return exercises()[name][2]


def topic(name: str) -> str:
    """The module that holds exercise ``name``."""
    _, notebook, found = exercises()[name]
    return notebook.topic_of(found)


def loops_allowed_in(name: str) -> tuple[str, ...]:
    """The graded helpers whose own loops do not count against exercise ``name``'s loop ban."""
    found = exercise(name)
    if found.loops_allowed_in is not None:
        return found.loops_allowed_in
    return tuple(e for e in helpers(topic(name)) if e != name)


def topics() -> list[str]:
    """The topic modules, in course order, each once."""
    return list(dict.fromkeys(nb.topic_of(e) for a in COURSE for nb in a.notebooks for e in nb.exercises))


def helpers(topic: str) -> tuple[str, ...]:
    """The graded functions a check of ``topic`` may see the student call: those of the notebooks it is in."""
    return tuple(e.name for a in COURSE for nb in a.notebooks if any(nb.topic_of(x) == topic for x in nb.exercises)
                 for e in nb.exercises)
