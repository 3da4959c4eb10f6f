"""The cluster's shared settings: URLs checked and never printed with their password,
and nothing that unpickles what comes out of the broker."""

from __future__ import annotations

import pytest

from e2a_node.cluster.app import ClusterError, check_url, redact, settings, where


@pytest.mark.parametrize("url", ["redis://host:6379/0", "rediss://:pw@host:6380/1",
                                 "redis://localhost", "redis://user:pw@10.0.0.2:7000/3"])
def test_redis_urls_are_taken(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["http://host:6379", "redis://", "host:6379",
                                 "redis://host:99999/0", "amqp://guest@host//"])
def test_other_urls_are_refused_in_one_line(url: str) -> None:
    with pytest.raises(ClusterError, match="is not a cluster URL like redis://") as caught:
        check_url(url)
    assert "\n" not in str(caught.value)


def test_a_password_is_never_printed() -> None:
    url = "redis://:s3cret@rack1:6379/0"
    assert redact(url) == "redis://:***@rack1:6379/0"
    assert redact("redis://admin:s3cret@rack1/0") == "redis://admin:***@rack1/0"
    assert redact("redis://rack1:6379/0") == "redis://rack1:6379/0"
    assert where(url) == "rack1:6379" and where("redis://rack1/0") == "rack1:6379"
    with pytest.raises(ClusterError) as caught:
        check_url("http://:s3cret@rack1:6379")
    assert "s3cret" not in str(caught.value)


def test_no_pickle_and_late_acknowledgement() -> None:
    conf = settings("redis://rack1:6379/0")
    assert conf["accept_content"] == ["msgpack"] and conf["result_accept_content"] == ["msgpack"]
    assert conf["task_serializer"] == conf["result_serializer"] == "msgpack"
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["task_time_limit"] > conf["task_soft_time_limit"] > 0
    # Redis gives an unacknowledged message out again only after this: never while it runs.
    assert conf["broker_transport_options"]["visibility_timeout"] > conf["task_time_limit"]
