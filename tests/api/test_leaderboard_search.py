"""GET /api/v1/rounds/{id}/leaderboard?q=&limit=&offset= (api-v1.md): `q` finds members by name
without diacritics, `total` counts the matches, the window is bounded; hostile values are a 422
with the envelope, never a 500."""
import pytest

from tests.web.test_leaderboard_page import NAMES, board


def get(client, make, round_, **query):
    return client.get(f"/api/v1/rounds/{round_.id}/leaderboard", query_string=query,
                      headers=make.auth(make.user(role="organizer")))


def test_q_finds_members_without_diacritics_and_total_counts_the_matches(client, make):
    round_, _ = board(make, NAMES)
    body = get(client, make, round_, q="nguyen van a").json
    assert [(r["rank"], r["display_name"]) for r in body["items"]] == [(1, "Nguyễn Văn A"), (5, "Nguyễn Văn An")]
    assert body["total"] == 2 and body["final"] is True
    assert set(body["items"][0]) >= {"rank", "display_name", "unit", "score", "correct_count", "prediction",
                                     "prediction_gap", "duration_seconds"}
    assert "user_id" not in body["items"][0]  # nobody's account id leaks through the board
    for q in ("dang", "đặng", "ĐẶNG"):
        body = get(client, make, round_, q=q).json
        assert ([r["display_name"] for r in body["items"]], body["total"]) == (["Đặng Thị Lan"], 1)
    body = get(client, make, round_, q="hoàng").json
    assert (body["items"], body["total"]) == ([], 0)


def test_without_q_the_whole_board_and_limit_offset_window_it(client, make):
    round_, _ = board(make, [f"Thí sinh {i + 1}" for i in range(7)])
    body = get(client, make, round_).json
    assert body["total"] == 7 and [r["rank"] for r in body["items"]] == [1, 2, 3, 4, 5, 6, 7]
    body = get(client, make, round_, limit=2, offset=3).json
    assert (body["total"], [r["display_name"] for r in body["items"]]) == (7, ["Thí sinh 4", "Thí sinh 5"])
    body = get(client, make, round_, q="thi sinh", limit=3, offset=6).json
    assert (body["total"], [r["rank"] for r in body["items"]]) == (7, [7])
    body = get(client, make, round_, offset=2 ** 31 - 1).json  # past the end: nothing, still counted
    assert (body["items"], body["total"]) == ([], 7)


@pytest.mark.parametrize("query, field", [
    ({"limit": -1}, "limit"), ({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
    ({"offset": -1}, "offset"), ({"offset": 2 ** 31}, "offset"), ({"offset": 10 ** 30}, "offset"),
    ({"limit": "many"}, "limit"), ({"q": "a" * 10_000}, "q"), ({"q": "a" * 201}, "q"),
])
def test_hostile_values_are_a_422_naming_the_field(client, make, query, field):
    round_, _ = board(make, NAMES)
    response = get(client, make, round_, **query)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field]


def test_a_member_sees_a_published_board_searched_the_same_way(client, make):
    round_, _ = board(make, NAMES)
    member = make.user()
    body = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", query_string={"q": "lan"},
                      headers=make.auth(member)).json
    assert [(r["rank"], r["display_name"]) for r in body["items"]] == [(2, "Đặng Thị Lan"), (4, "Lan")]
    assert body["total"] == 2


def test_an_unpublished_board_is_refused_to_a_member_whatever_the_search(client, make):
    round_, _ = board(make, NAMES, publish=False)
    response = client.get(f"/api/v1/rounds/{round_.id}/leaderboard", query_string={"q": "lan"},
                          headers=make.auth(make.user()))
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
