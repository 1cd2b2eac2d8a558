from tests.projects_tests.conftest import center_setup, chain, chinese_messages  # noqa: F401
