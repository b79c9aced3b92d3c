"""A simulated class for the course: answer catalogue, submissions, nbgrader runs, the demo."""
