"""massage, log, history, diary: the private soreness diary (see soreadvisor.diary)."""
