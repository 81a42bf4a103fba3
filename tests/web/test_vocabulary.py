"""One word for one thing: an entry's anonymous code is its "số phách" on every page (product.md)."""
from sqlalchemy import select

from contest.essays.models import Entry
from contest.extensions import db
from tests.api.test_essay_entries import essay_round, words
from tests.web.test_essay_pages import login


def test_the_entry_code_is_called_so_phach_for_the_member_and_the_organizer(client, make):
    round_ = essay_round(make, min_words=5, max_words=50)
    login(client, make.user())
    done = client.post(f"/essays/rounds/{round_.id}/write", data={"title": "Bài", "body": words(6), "declaration": "y"},
                       follow_redirects=True).get_data(as_text=True)
    code = db.session.execute(select(Entry.code)).scalar_one()
    assert f'Số phách: <span class="fw-semibold" id="entry-code">{code}</span>' in done
    assert "Mã bài" not in done
    client.post("/logout")
    login(client, make.user(role="organizer"))
    entries = client.get(f"/essays/manage/rounds/{round_.id}/entries").get_data(as_text=True)
    assert "<th>Số phách</th>" in entries
