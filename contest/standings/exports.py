"""The standings' tables for export: the same rows the pages and the API read (service.py).

The column lists are the hook: a prize column is one more Column and one more value per row."""
from flask_babel import gettext as _

from contest.exports.writer import Column, Table
from contest.standings.service import leaderboard, unit_participation


def leaderboard_table(round_) -> Table:
    columns = [Column(_("Rank"), "int"), Column(_("Full name"), "text"), Column(_("Unit"), "text"),
               Column(_("Score"), "float"), Column(_("Correct answers"), "int"),
               Column(_("Prediction"), "int"), Column(_("Prediction gap"), "int"),
               Column(_("Duration"), "duration"), Column(_("Submitted at"), "datetime")]
    rows = ([r["rank"], r["display_name"], r["unit"], r["score"], r["correct_count"], r["prediction"],
             r["prediction_gap"], r["duration_seconds"], r["submitted_at"]] for r in leaderboard(round_))
    return Table(_("Leaderboard"), columns, list(rows))


def units_table(round_) -> Table:
    columns = [Column(_("Unit"), "text"), Column(_("Registered members"), "int"), Column(_("Members who took part"), "int"),
               Column(_("Participation rate"), "percent"), Column(_("Average score"), "float")]
    rows = ([u["unit"], u["members"], u["participants"], u["participation_rate"], u["average_score"]]
            for u in unit_participation(round_))
    return Table(_("Units"), columns, list(rows))


TABLES = {"leaderboard": leaderboard_table, "units": units_table}
