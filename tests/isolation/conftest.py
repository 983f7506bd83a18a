from tests.assistant.conftest import app  # noqa: F401  (the whole bot, as main.py composes it)
from tests.e2e.conftest import bot_api, settings  # noqa: F401
