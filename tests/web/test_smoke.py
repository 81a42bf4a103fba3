def test_home_lists_contests(client, make):
    make.quiz(title="Tuần thi thứ nhất")
    response = client.get("/")
    assert response.status_code == 200
    assert "Tuần thi thứ nhất" in response.get_data(as_text=True)
