"""After the scripted history, the reports say what the chain says."""

from __future__ import annotations

from gaoling.analytics import reports
from gaoling.analytics.store import dump


def test_report_totals_equal_the_chain(sample, make_indexer, engine):
    report = make_indexer().sync()
    assert report.logs > 300 and not report.reorgs

    # The split of every edition and of the vouchers: released + releasable per payee.
    balances = reports.split_balances(engine)
    splits = sample.of_type("GaolingEdition") + sample.of_type("GaolingVouchers")
    assert {c.address for c in splits} == set(balances)
    some_releasable = some_released = False
    for contract in splits:
        payees, _ = contract.payees()
        for payee in payees:
            row = balances[contract.address][payee]
            assert row["released"] == contract.released(payee), (contract, payee)
            assert row["releasable"] == contract.releasable(payee), (contract, payee)
            some_released |= row["released"] > 0
            some_releasable |= row["releasable"] > 0
        assert sum(r["released"] + r["releasable"] for r in balances[contract.address].values()) == \
            contract.totalReceived()
    assert some_released and some_releasable

    # The auction house's paid royalties: each settlement's royalty is what the work's ERC-2981 says.
    house = sample.contracts["auction"]
    artworks = sample.contracts["artworks"]
    royalties = reports.royalties_report(engine)
    expected = 0
    for auction_id in range(1, 4):
        a = house.auction(auction_id)
        receiver, amount = artworks.royaltyInfo(a.tokenId, a.amount)
        expected += amount
    assert royalties.totals["royalties_wei"] == expected > 0
    assert royalties.totals["resale_royalties_wei"] > 0

    # pointsOf for every member.
    ledger = sample.contracts["points"]
    balances = reports.points_balances(engine)
    for member in sample.members:
        assert balances.get(member, 0) == ledger.pointsOf(member), member
    assert sum(balances.values()) == ledger.totalIssued() - ledger.totalSpent()

    # ownerOf for every token of every collection.
    owners = reports.current_owners(engine)
    checked = 0
    for collection in sample.of_type("GaolingEdition") + sample.of_type("GaolingArtworks"):
        minted = collection.totalMinted() if hasattr(collection, "totalMinted") else 1
        for token in range(1, minted + 1):
            assert owners[(collection.address, token)] == collection.ownerOf(token), (collection, token)
            checked += 1
    assert checked > 40

    # The crowdfunded drops (a contract merged from another branch) land in their own table.
    import sqlalchemy as sa

    from gaoling.analytics import schema

    with engine.connect() as conn:
        kinds = {k for (k,) in conn.execute(sa.select(schema.crowdfund.c.kind))}
    assert {"created", "tier", "pledged", "finalized", "claimed", "refunded", "released"} <= kinds

    # Every report renders, and a second sync adds nothing.
    before = dump(engine)
    again = make_indexer().sync()
    assert again.logs == 0 and dump(engine) == before
    for rep in reports.all_reports(engine):
        assert rep.to_json()["tables"]
    network = reports.network_report(engine)
    assert network.totals["dealers"] >= 1
    fans = reports.fans_report(engine)
    assert fans.totals["referral_depth"] == 2
    kiln = reports.kiln_report(engine)
    assert kiln.totals["failures"] == 2 and kiln.totals["per_state"]["refunded"] == 1
