"""Small job functions for the tests and the README's worked example."""
from contest.errors import Refusal
from contest.jobs.service import report_progress


def count_to(job, n: int) -> dict:
    """Counts to n, reporting its progress at every step."""
    for i in range(1, n + 1):
        report_progress(job, i / n)
    return {"counted": n}


def refuse(job) -> dict:
    raise Refusal("nothing_to_do", 409, "Không có gì để làm.")


def crash(job) -> dict:
    raise RuntimeError("secret internals")
