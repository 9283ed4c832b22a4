"""`make scale-test` is not part of the suite (it starts servers and runs for minutes); its pure helpers are, and
importing it catches a moved model or a renamed module before someone runs it."""

import socket

import pytest

from scale.run import (
    FAIL,
    NOT_CONFIGURED,
    PASS,
    Row,
    cache_is_shared,
    exit_status,
    form_field,
    free_ports,
    page_links,
    render_table,
)


def test_the_table_lines_up_and_the_exit_status_says_what_happened():
    rows = [Row("file on A downloads on B", PASS, "1 file"), Row("limit across nodes", NOT_CONFIGURED, "per process")]
    table = render_table(rows).splitlines()
    assert table[0].startswith("check") and set(table[1]) <= {"-", "+"}
    assert len({line.index("|") for line in table if "|" in line}) == 1
    assert exit_status(rows[:1]) == 0
    assert exit_status(rows) == 2
    assert exit_status([*rows, Row("node killed", FAIL, "1 lost")]) == 1
    assert exit_status([]) == 1


def test_form_fields_and_links_are_read_from_the_page():
    page = (
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;1">'
        '<input type="hidden" name="version" value="7" id="id_version">'
        '<textarea name="narrative" cols="40">\nWe &lt;talk&gt; weekly.\n[scale 1-1]</textarea></form>'
        '<a href="/portfolio/3/">Portfolio</a><a href="/static/app.css">x</a><a href="/account/sign-out/">out</a>'
        '<a href="/evidence/9/#links">Links</a><a href="https://example.org/">away</a>'
    )
    assert form_field(page, "csrfmiddlewaretoken") == "abc&1"
    assert form_field(page, "version") == "7"
    assert form_field(page, "narrative") == "We <talk> weekly.\n[scale 1-1]"
    assert form_field(page, "missing") is None
    assert page_links(page) == ["/evidence/9/", "/portfolio/3/"]


def test_free_ports_skips_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert free_ports(1, range(taken, taken + 2)) == [taken + 1]
    with pytest.raises(RuntimeError, match="free ports"):
        free_ports(2, range(taken, taken + 1))


def test_a_cache_on_one_machine_is_not_shared_as_check_deploy_says():
    assert cache_is_shared("django.core.cache.backends.db.DatabaseCache")
    assert cache_is_shared("django.core.cache.backends.redis.RedisCache")
    for local in ("locmem.LocMemCache", "dummy.DummyCache", "filebased.FileBasedCache"):
        assert not cache_is_shared(f"django.core.cache.backends.{local}")
