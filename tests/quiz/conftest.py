"""Fixtures for the quiz and certificate tests."""

import random

import pytest

from gaoling import signing
from gaoling.quiz import Attester, Grader, MemoryAttemptStore, load_bank
from gaoling.quiz.certificate import deploy


class Clock:
    """A settable clock for the grader (no sleeping in tests)."""

    def __init__(self, now: int = 1_800_000_000):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture(scope="session")
def attester(accounts):
    """Holds ATTESTER_ROLE on the certificate: the grader's signing key."""
    return accounts[4]


@pytest.fixture
def certificate(project, admin, attester):
    return deploy(project, admin, attester.address, base_uri="ipfs://cert/", contract_uri="ipfs://cert/contract.json")


@pytest.fixture
def domain(certificate):
    return signing.Domain.of(certificate)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def nonces():
    counter = iter(range(1, 10**6))
    return lambda: next(counter)


@pytest.fixture
def signer(attester, domain, nonces):
    return Attester(attester, domain, ttl_seconds=3600, nonce_source=nonces)


@pytest.fixture
def grader(bank, clock):
    return Grader(bank, store=MemoryAttemptStore(), rng=random.Random(7), clock=clock)
