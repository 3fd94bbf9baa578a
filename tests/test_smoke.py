def test_smoke(project, accounts):
    a = accounts[0]
    c = a.deploy(project.Smoke)
    tx = c.mint(1, sender=a)
    assert c.ownerOf(1) == a
    d = a.deploy(project.SmokeA)
    tx2 = d.mint(10, sender=a)
    print(tx.gas_used, tx2.gas_used)
