import pytest

from gaoling.collection.orders import MINT_ORDER_TYPES
from gaoling.signing import Domain, sign

ETHER = 10**18
PRICE = ETHER // 100  # 0.01 ether
CAP = 30
DAY = 86_400

FREE, HOLDING, SOULBOUND = 0, 1, 2
ALLOWLIST, PUBLIC = 0, 1



@pytest.fixture(scope="session")
def issuer(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def museum(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def artist(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def signer(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def make_init(admin, issuer, museum, artist):
    def make(**overrides):
        fields = dict(
            name="Jingdezhen Blue and White",
            symbol="JDZBW",
            cap=CAP,
            baseURI="ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/",
            contractURI="ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            royaltyReceiver=artist.address,
            royaltyBps=500,
            payees=[issuer.address, museum.address, artist.address],
            payeeBps=[6000, 2500, 1500],
            transferPolicy=FREE,
            holdingPeriod=0,
            admin=admin.address,
        )
        fields.update(overrides)
        return tuple(fields.values())

    return make


@pytest.fixture
def deploy_edition(project, admin, make_init, chain):
    def deploy(open_public=True, **overrides):
        edition = admin.deploy(project.GaolingEdition, make_init(**overrides))
        if open_public:
            now = chain.pending_timestamp
            edition.setPhase(PUBLIC, (PRICE, now - 1, now + DAY, 5), sender=admin)
        return edition

    return deploy


@pytest.fixture
def edition(deploy_edition):
    return deploy_edition()


@pytest.fixture
def sign_order(chain):
    def sign_for(edition, signer_account, recipient, quantity, nonce, expiry=None, chain_id=None,
                 verifying_contract=None):
        domain = Domain.of(edition)
        if chain_id is not None or verifying_contract is not None:
            domain = Domain(domain.name, domain.version, chain_id or domain.chain_id,
                            verifying_contract or domain.verifying_contract)
        expiry = expiry if expiry is not None else chain.pending_timestamp + 3600
        order = {"recipient": str(recipient), "quantity": quantity, "nonce": nonce, "expiry": expiry}
        signature = sign(signer_account, domain, "MintOrder", MINT_ORDER_TYPES, order)
        return (str(recipient), quantity, nonce, expiry), signature

    return sign_for
