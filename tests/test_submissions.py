"""The simulated class: who hands in what when a class is graded once per distinct answer."""

from classroom.catalogue import FUNCTIONS
from classroom.submissions import REFERENCE, Student, catalogue_class, distinct_hand_ins, sample_class


def answers(student, assignment):
    return tuple(repr(student.answer(f)) for f in FUNCTIONS[assignment])


def test_every_distinct_answer_is_handed_in_and_the_reference_solutions_once():
    students = sample_class() + catalogue_class()
    hand_ins = distinct_hand_ins(students)
    assert list(hand_ins) == list(FUNCTIONS)
    for assignment, handing_in in hand_ins.items():
        graded = {answers(s, assignment) for s in handing_in}
        assert {answers(s, assignment) for s in students} <= graded, assignment
        reference = [s.id for s in handing_in if all(s.answer(f) is REFERENCE for f in FUNCTIONS[assignment])]
        assert reference == ["perfect"], (assignment, reference)
        assert {"perfect", "blank", "partial"} <= {s.id for s in handing_in}
    jobs = sum(map(len, hand_ins.values()))
    assert jobs < len(students) * len(FUNCTIONS) / 2 + 10  # about half the class's hand-ins, for the same verdicts


def test_a_student_who_differs_in_one_assignment_hands_in_that_one_only():
    fixed = Student("fixed", "one bug", {"one_hot": catalogue_class()[6].answer("one_hot")})
    first = Student("first", "the reference solutions")
    hand_ins = distinct_hand_ins([first, fixed], ["01_one_hot", "02_softmax"])
    assert [s.id for s in hand_ins["01_one_hot"]] == ["first", "fixed"]
    assert [s.id for s in hand_ins["02_softmax"]] == ["first"]
    assert [s.id for s in distinct_hand_ins([fixed, first], ["02_softmax"])["02_softmax"]] == ["fixed"]
