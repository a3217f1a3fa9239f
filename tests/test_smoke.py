def test_explain_lists_every_cause_of_the_article(cli, topic):
    result = cli("explain", "--format", "plain")
    assert result.code == 0, result.err
    for cause in ("muscle-stimulation", "blood-flow", "lactic-acid", "unaccustomed-intensity"):
        title = next(c.title for c in topic.causes if c.id == cause)
        assert title in result.out
