"""Hostile input over every operation of the API's own OpenAPI document.

For every operation: path ids at 2^31, 2^63 and 10^30; every integer of the query and the body
at those (and -2^63); every number at 10^30, NaN and infinity; NUL in every string (and key);
2 MB in every body string; a body nested 1,000 deep. Each answer is a 4xx with the error
envelope, and nothing in the database changed. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL (where integers above 2^31-1 and NUL in text used to fail inside the database).
"""
import copy
import io
import json

import pytest
from sqlalchemy import select

from contest.extensions import db
from tests.api.test_essay_entries import essay_round, words

BIG_INTS = (2 ** 31, 2 ** 63, 10 ** 30)
BODY_INTS = (*BIG_INTS, -(2 ** 63))
BIG_NUMBERS = (1e30, float("nan"), float("inf"))
NUL = "demo\u0000"
TWO_MB = "Bác " * (512 * 1024)  # 2 MiB of characters
DEEP = "[" * 1000 + "]" * 1000


# --- the world the requests are made against ------------------------------------------------

@pytest.fixture
def world(client, make):
    """An admin (every role), a judge, a member with an attempt and an entry, rounds of both kinds."""
    from contest.judging.models import Assignment

    unit = make.unit()
    admin = make.user("orga", role="admin", unit=unit)
    judge = make.user("giamkhao", role="judge")
    member = make.user("demo", unit=unit)
    quiz = make.quiz(questions=6)
    essay = essay_round(make, contest=quiz.contest)
    member_auth = make.auth(member)
    attempt = client.post(f"/api/v1/rounds/{quiz.id}/attempts", headers=member_auth).json
    entry = client.post(f"/api/v1/rounds/{essay.id}/entries", headers=member_auth,
                        json={"title": "Bài viết", "body": words(20)}).json
    db.session.add(Assignment(entry_id=entry["id"], judge_id=judge.id, round_id=essay.id, stage=1))
    db.session.commit()
    assignment = db.session.execute(select(Assignment.id)).scalar_one()
    ids = {"contest_id": quiz.contest_id, "attempt_id": attempt["id"],
           "question_id": attempt["questions"][0]["id"], "entry_id": entry["id"],
           "assignment_id": assignment, "quiz_round": quiz.id, "essay_round": essay.id,
           "user_id": member.id, "job_id": "no-such-credentials-sheet", "code": "no-such-certificate",
           "table": "leaderboard", "fmt": "xlsx"}
    return {"auth": make.auth(admin), "ids": ids}


def snapshot():
    """Every row of every table, to prove that nothing changed."""
    db.session.commit()  # end the test's transaction, so the snapshot reads what is committed
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in conn.execute(
                select(table).order_by(*table.primary_key.columns))]
    return out


# --- reading the OpenAPI document -----------------------------------------------------------

class Spec:
    def __init__(self, document):
        self.doc = document
        self.schemas = document["components"]["schemas"]

    def resolve(self, schema):
        while True:
            if "$ref" in schema:
                schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
            elif "allOf" in schema and len(schema["allOf"]) == 1:
                schema = self.schemas[schema["allOf"][0]["$ref"].rsplit("/", 1)[1]] \
                    if "$ref" in schema["allOf"][0] else schema["allOf"][0]
            else:
                return schema

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, operation in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    params = [*item.get("parameters", []), *operation.get("parameters", [])]
                    yield path, method, operation, params

    def sample(self, schema):
        """A plausible value: required properties only, minimums, enum firsts."""
        s = self.resolve(schema)
        if "enum" in s:
            return s["enum"][0]
        kind = s.get("type")
        if kind == "object":
            props = s.get("properties", {})
            return {k: self.sample(v) for k, v in props.items()
                    if k in s.get("required", []) and not self.resolve(v).get("readOnly")}
        if kind == "array":
            return [self.sample(s.get("items", {}))]
        if kind == "integer":
            return max(s.get("minimum", 1), 1)
        if kind == "number":
            return max(s.get("minimum", 1), 1)
        if kind == "boolean":
            return True
        if kind == "string":
            if s.get("format") == "date-time":
                return "2026-12-08T03:00:00+00:00"
            if s.get("format") == "email":
                return "thisinh@example.vn"
            return "Bác Hồ kính yêu"[: s.get("maxLength", 100)]
        return "1"

    def leaves(self, schema, path=()):
        """(path, leaf schema) of every property that can be sent, arrays as item 0, maps as key "1"."""
        s = self.resolve(schema)
        kind = s.get("type")
        if kind == "object":
            props = s.get("properties")
            if props:
                for name, inner in props.items():
                    if not self.resolve(inner).get("readOnly"):
                        yield from self.leaves(inner, (*path, name))
            else:
                yield from self.leaves(s.get("additionalProperties") or {}, (*path, "1"))
        elif kind == "array":
            yield from self.leaves(s.get("items", {}), (*path, 0))
        else:
            yield path, s

    def put(self, body, schema, path, value):
        """A copy of body with value at path, creating the containers on the way."""
        body = copy.deepcopy(body)
        node, s = body, self.resolve(schema)
        for i, key in enumerate(path):
            last = i == len(path) - 1
            if s.get("type") == "array":
                inner = self.resolve(s.get("items", {}))
                if not node:
                    node.append(self.sample(inner))
            else:
                props = s.get("properties") or {}
                inner = self.resolve(props.get(key) or s.get("additionalProperties") or {})
                if not last and (key not in node or not isinstance(node[key], (dict, list))):
                    node[key] = self.sample(inner) if inner.get("type") in ("object", "array") else {}
            if last:
                node[key] = value
            else:
                node, s = node[key], inner
        return body


def hostile_values(leaf):
    kind = leaf.get("type")
    if kind == "integer":
        return BODY_INTS
    if kind == "number":
        return (*BODY_INTS, *BIG_NUMBERS)
    if kind == "string" and leaf.get("format") != "binary":
        return (NUL, TWO_MB)
    if kind is None:  # free-form (score points): a number or a text
        return (*BODY_INTS, *BIG_NUMBERS, NUL)
    return ()


# --- the sweep ------------------------------------------------------------------------------

def url_for(path, params, world, override=None):
    ids = world["ids"]
    essay = any(word in path for word in ("entries", "assignments", "results"))
    values = {}
    for p in params:
        if p["in"] != "path":
            continue
        name = p["name"]
        values[name] = ids["essay_round" if essay else "quiz_round"] if name == "round_id" else ids[name]
    values.update(override or {})
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def check(response, label, failures, status=None, code=None):
    body = response.get_json(silent=True)
    envelope = isinstance(body, dict) and isinstance(body.get("error"), dict) \
        and isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str)
    if not 400 <= response.status_code < 500 or not envelope \
            or (status and response.status_code != status) or (code and body["error"]["code"] != code):
        failures.append(f"{label}: {response.status_code} {str(body)[:160]}")


def json_body_schema(operation):
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def multipart_schema(operation):
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("multipart/form-data", {}).get("schema")


def test_every_operation_refuses_hostile_input_with_the_envelope_and_changes_nothing(app, client, world):
    spec = Spec(client.get("/api/v1/openapi.json").json)
    auth = world["auth"]
    before = snapshot()
    failures, sent = [], 0
    for path, method, operation, params in spec.operations():
        call = getattr(client, method)
        label = f"{method.upper()} {path}"
        url = url_for(path, params, world)
        # Path ids past the column: no such route, 404.
        for p in (p for p in params if p["in"] == "path"):
            for big in BIG_INTS:
                check(call(url_for(path, params, world, {p["name"]: big}), headers=auth),
                      f"{label} {p['name']}={big}", failures, 404, "not_found")
                sent += 1
        # NUL in the path and in a query argument, known or not.
        check(call(url + "%00", headers=auth), f"{label} path NUL", failures)
        check(call(url, query_string={"x": NUL}, headers=auth), f"{label} query NUL", failures, 422, "invalid_text")
        sent += 2
        for p in (p for p in params if p["in"] == "query"):
            leaf = spec.resolve(p.get("schema", {}))
            values = BIG_INTS if leaf.get("type") == "integer" else (NUL,) if leaf.get("type") == "string" else ()
            for value in values:
                check(call(url, query_string={p["name"]: value}, headers=auth),
                      f"{label} ?{p['name']}={str(value)[:12]}", failures, 422)
                sent += 1
        # A body nested 1,000 deep, on every operation.
        check(call(url, data=DEEP, content_type="application/json", headers=auth),
              f"{label} 1000-deep JSON", failures, 400, "json_too_deep")
        sent += 1
        schema = json_body_schema(operation)
        if schema is not None:
            base = spec.sample(schema)
            for leaf_path, leaf in spec.leaves(schema):
                for value in hostile_values(leaf):
                    body = spec.put(base, schema, leaf_path, value)
                    response = call(url, data=json.dumps(body), content_type="application/json", headers=auth)
                    expected = (422, "invalid_text") if value == NUL else (None, None)
                    check(response, f"{label} {'.'.join(map(str, leaf_path))}={str(value)[:12]}", failures,
                          *expected)
                    sent += 1
            # NUL in a key.
            check(call(url, json={**base, "k\u0000": 1}, headers=auth), f"{label} NUL key", failures,
                  422, "invalid_text")
            sent += 1
        form = multipart_schema(operation)
        if form is not None:
            props = spec.resolve(form)["properties"]
            for name, leaf in props.items():
                values = ((str(2 ** 31), str(2 ** 63), str(10 ** 30)) if leaf.get("type") == "integer"
                          else (NUL,) if leaf.get("type") == "string" and leaf.get("format") != "binary" else ())
                for value in values:
                    data = {"file": (io.BytesIO(b"Bac Ho " * 20), "bai.txt"), "title": "Bài", name: value}
                    check(call(url, data=data, content_type="multipart/form-data", headers=auth),
                          f"{label} form {name}={value[:12]}", failures)
                    sent += 1
            data = {"file": (io.BytesIO(b"Bac Ho " * 20), "bai\u0000.txt"), "title": "Bài"}
            check(call(url, data=data, content_type="multipart/form-data", headers=auth),
                  f"{label} file name NUL", failures, 422, "invalid_text")
            sent += 1
    assert not failures, f"{len(failures)} of {sent} hostile requests were not refused:\n" + "\n".join(failures)
    assert sent > 300
    after = snapshot()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []


def test_public_routes_refuse_hostile_input_without_signing_in(client, world):
    """The two reported without a token: GET /rounds/2147483648 and register with unit_id 2^31."""
    response = client.get("/api/v1/rounds/2147483648")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = client.post("/api/v1/auth/register", json={
        "username": "thisinh99", "password": "Hoc-tap-lam-theo-Bac-2026", "full_name": "Thí sinh", "unit_id": 2 ** 31})
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "unit_id"
    response = client.post("/api/v1/auth/token", json={"username": "demo\u0000", "password": "x"})
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid_text",
        "message": "Nội dung có ký tự điều khiển vô hình (như NUL). Vui lòng xoá chúng rồi thử lại.",
        "details": [{"field": "json.username",
                     "message": "Nội dung có ký tự điều khiển vô hình (như NUL). Vui lòng xoá chúng rồi thử lại."}]}
    response = client.get("/api/v1/units", query_string={"offset": 2 ** 63})
    assert response.status_code == 422 and response.json["error"]["details"][0]["field"] == "offset"


def test_round_bodies_without_counts_are_refused_with_the_field(client, make, world):
    auth = world["auth"]
    contest_id = world["ids"]["contest_id"]
    topic_id = db.session.execute(select(db.metadata.tables["topic"].c.id)).scalars().first()
    window = {"title": "Tuần thi", "opens_at": "2026-12-07T03:00:00Z", "closes_at": "2026-12-20T03:00:00Z",
              "duration_seconds": 600}
    before = snapshot()
    response = client.post(f"/api/v1/contests/{contest_id}/rounds", headers=auth,
                           json={**window, "topic_ids": [topic_id]})
    assert response.status_code == 422
    assert response.json["error"]["details"] == [
        {"field": "question_count", "message": "Give question_count: how many questions to draw from topic_ids."}]
    response = client.post(f"/api/v1/contests/{contest_id}/rounds", headers=auth,
                           json={**window, "draw": [{"topic_id": topic_id}]})
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{"field": "draw.0.count", "message": "Missing data for required field."}]
    # A PATCH is partial, but each draw item and criterion stays whole.
    quiz = world["ids"]["quiz_round"]
    response = client.patch(f"/api/v1/rounds/{quiz}", headers=auth, json={"draw": [{"topic_id": topic_id}]})
    assert response.status_code == 422
    assert response.json["error"]["details"] == [{"field": "draw.0.count", "message": "Missing data for required field."}]
    essay = world["ids"]["essay_round"]
    response = client.patch(f"/api/v1/rounds/{essay}", headers=auth, json={"criteria": [{"weight": 1}]})
    assert response.status_code == 422
    assert {d["field"] for d in response.json["error"]["details"]} == {"criteria.0.name", "criteria.0.max_points"}
    assert snapshot() == before


def test_the_document_bounds_every_integer_and_string_it_accepts(client):
    """What the sweep relies on, and what clients read: every integer a request may carry has a
    minimum and a maximum within 32 bits, every string a maximum length (or a fixed set)."""
    spec = Spec(client.get("/api/v1/openapi.json").json)
    unbounded = []
    for path, method, operation, params in spec.operations():
        leaves = [((p["name"],), spec.resolve(p.get("schema", {}))) for p in params]
        for schema in filter(None, (json_body_schema(operation),)):
            leaves += list(spec.leaves(schema))
        for leaf_path, leaf in leaves:
            name = f"{method.upper()} {path} {'.'.join(map(str, leaf_path))}"
            if leaf.get("type") in ("integer", "number"):
                if not (leaf.get("minimum", -2 ** 63) >= -2 ** 31 and leaf.get("maximum", 2 ** 63) <= 2 ** 31 - 1):
                    unbounded.append(name)
            elif leaf.get("type") == "string" and "enum" not in leaf and leaf.get("format") not in ("date-time", "email"):
                if "maxLength" not in leaf:
                    unbounded.append(name)
    assert unbounded == []


def test_every_error_status_is_documented_with_the_envelope(client):
    spec = Spec(client.get("/api/v1/openapi.json").json)
    for path, method, operation, params in spec.operations():
        responses = operation["responses"]
        assert "default" not in responses
        for status in ("400", "401", "413", "422"):
            assert responses[status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorEnvelope"}, (method, path, status)
        assert ("404" in responses) == any(p["in"] == "path" for p in params), (method, path)
    envelope = spec.schemas["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    assert spec.schemas["ErrorBody"]["required"] == ["code", "message"]
    token = spec.doc["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "`invalid_credentials`" in token["401"]["description"] and "429" in token


def test_round_body_without_a_title_but_with_a_draw_is_refused_not_flushed(client, world):
    """Found by schemathesis: checking the draw's topics flushed the incomplete round (NOT NULL
    title) inside the database, a 500 on PostgreSQL and SQLite alike."""
    before = snapshot()
    response = client.post(f"/api/v1/contests/{world['ids']['contest_id']}/rounds", headers=world["auth"], json={
        "closes_at": "0386-02-10T19:51:02+04:30", "duration_seconds": 2275,
        "draw": [{"count": 35, "topic_id": 1419}]})
    assert response.status_code == 422
    assert [d["field"] for d in response.json["error"]["details"]] == ["title", "opens_at", "topic_ids"]
    assert snapshot() == before
