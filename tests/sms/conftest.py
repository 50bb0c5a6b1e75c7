from tests.sms.gateway import smpp_gateway  # noqa: F401 - the fixture
