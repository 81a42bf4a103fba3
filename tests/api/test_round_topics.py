"""A round's topics in its errors: named by their path, never by an internal number."""
from datetime import timedelta


def test_round_errors_name_topics_by_their_path(client, make):
    org = make.auth(make.user(role="organizer"))
    topic = make.topic("Đại đoàn kết", parent=make.topic("Tư tưởng Hồ Chí Minh"))
    make.questions(3, topic=topic)
    contest = make.contest()
    now = make.clock()
    round_ = {"title": "Tuần 1", "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=1)).isoformat(),
              "duration_seconds": 600}
    short = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=org,
                        json={**round_, "draw": [{"topic_id": topic.id, "count": 4}]})
    assert short.status_code == 422
    assert short.json["error"]["details"] == [{"field": "question_count", "message": (
        "Chủ đề “Tư tưởng Hồ Chí Minh / Đại đoàn kết”: vòng thi cần 4 câu hỏi nhưng chủ đề chỉ có 3 câu hỏi đã duyệt.")}]
    gone = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=org,
                       json={**round_, "question_count": 3, "topic_ids": [topic.id, topic.id + 100]})
    assert gone.status_code == 422
    assert gone.json["error"]["details"] == [{"field": "topic_ids", "message": (
        "Một chủ đề đã chọn không còn tồn tại. Hãy chọn lại các chủ đề.")}]
