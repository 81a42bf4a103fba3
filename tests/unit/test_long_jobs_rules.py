"""The worked examples of the long jobs: a job file's attachment header, the row counter that
reports an export's progress, the page address a job's id is added to."""
import doctest

from contest.jobs import files
from contest.standings import exports, views


def test_the_worked_examples_hold():
    for module in (files, exports, views):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
