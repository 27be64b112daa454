"""digest.room: a thread waits while the bytes held reach the limit, and goes on once some
are released, or once the room is closed."""

from __future__ import annotations

import threading

from digest.room import Room


def waiter(room: Room) -> threading.Thread:
    thread = threading.Thread(target=room.wait, daemon=True)
    thread.start()
    return thread


def test_a_wait_lasts_until_the_bytes_held_fall_below_the_limit() -> None:
    room = Room(100)
    room.wait()  # nothing held: no wait
    room.hold(60)
    room.wait()  # still below the limit
    room.hold(60)
    thread = waiter(room)
    thread.join(0.2)
    assert thread.is_alive() and room.held == 120
    room.release(10)  # 110: still past it
    thread.join(0.2)
    assert thread.is_alive()
    room.release(60)
    thread.join(5)
    assert not thread.is_alive() and room.held == 50


def test_closing_the_room_lets_every_waiter_go() -> None:
    room = Room(1)
    room.hold(1)
    threads = [waiter(room) for _ in range(3)]
    room.close()
    for thread in threads:
        thread.join(5)
    assert not any(t.is_alive() for t in threads)
    room.wait()  # closed: never waits again
