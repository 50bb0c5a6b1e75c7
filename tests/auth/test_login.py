from tests.conftest import login


def test_login_page_is_arabic_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'dir="rtl"' in response.data and b'lang="ar"' in response.data


def test_each_persona_logs_in_and_reaches_home(client, world):
    for persona, username in world.usernames.items():
        response = login(client, username)
        assert response.status_code == 302, persona
        home = client.get("/")
        assert home.status_code == 200, persona
        assert username.title().encode() in home.data
        client.post("/logout")
