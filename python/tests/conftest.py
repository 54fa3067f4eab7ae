"""Shared fixtures: one local anvil and one deployed GradPay for the whole test session (deploying
takes seconds); each test takes its own session id so that tests do not see each other's records."""

import itertools

import pytest

import gradpay


@pytest.fixture(scope="session")
def chain():
    local = gradpay.LocalChain()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def coordinator(chain, tmp_path_factory):
    journal = tmp_path_factory.mktemp("journal")
    key = chain.dev_key(0)
    return gradpay.Coordinator.deploy(rpc_url=chain.url, private_key=key, journal_dir=str(journal))


_session_ids = itertools.count(1)


@pytest.fixture
def session_id():
    """A session id no other test uses."""
    return next(_session_ids)
