def test_home_lists_contests(client, make):
    make.quiz(title="Tuần thi thứ nhất")
    response = client.get("/")
    assert response.status_code == 200
    assert "Tuần thi thứ nhất" in response.get_data(as_text=True)


def test_every_page_names_the_platform_and_has_an_icon(client):
    page = client.get("/").get_data(as_text=True)
    assert "<title>Cuộc thi · Học tập và làm theo Bác</title>" in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon.headers["Location"].endswith("/static/favicon.svg")
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_the_header_names_the_organizing_body_when_configured(app, client):
    app.config.update(PLATFORM_NAME="Cuộc thi trực tuyến", ORGANIZATION_NAME="Ban Tuyên giáo Tỉnh ủy Thái Nguyên")
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        app.config.update(PLATFORM_NAME=None, ORGANIZATION_NAME=None)
    assert "<title>Cuộc thi · Cuộc thi trực tuyến</title>" in page
    assert '<small class="d-block fw-normal small">Ban Tuyên giáo Tỉnh ủy Thái Nguyên</small>' in page
