use super::*;

fn drain(w: &mut Wheel<u32>, now: u64) -> Vec<(u64, u32)> {
    std::iter::from_fn(|| w.poll(now)).collect()
}

#[test]
fn fires_in_deadline_then_arming_order() {
    let mut w = Wheel::new(0);
    w.arm(500, 1);
    w.arm(100, 2);
    w.arm(500, 3);
    w.arm(100_000, 4);
    assert_eq!(w.next_deadline(), Some(100));
    assert_eq!(drain(&mut w, 499), vec![(100, 2)]);
    assert_eq!(w.elapsed(), 499);
    assert_eq!(drain(&mut w, 10_000_000), vec![(500, 1), (500, 3), (100_000, 4)]);
    assert_eq!(w.len(), 0);
    assert_eq!(w.next_deadline(), None);
}

#[test]
fn ties_follow_arming_order_across_cascades() {
    // Armed from different times, the same deadline arrives through
    // different levels; seq still decides.
    let mut w = Wheel::new(0);
    w.arm(70_000, 1);
    assert_eq!(drain(&mut w, 69_990), vec![]);
    w.arm(70_000, 2);
    let mut w2 = w.clone();
    assert_eq!(drain(&mut w, 70_000), vec![(70_000, 1), (70_000, 2)]);
    assert_eq!(drain(&mut w2, 80_000), vec![(70_000, 1), (70_000, 2)]);
}

#[test]
fn cancel_and_stale_keys() {
    let mut w = Wheel::new(0);
    let a = w.arm(10, 1);
    let b = w.arm(10, 2);
    assert_eq!(w.cancel(a), Some(1));
    assert_eq!(w.cancel(a), None);
    assert_eq!(w.deadline(a), None);
    let c = w.arm(20, 3);
    assert_ne!(a, c, "a reused slot gets a new generation");
    assert_eq!(drain(&mut w, 100), vec![(10, 2), (20, 3)]);
    assert_eq!(w.cancel(b), None, "a fired key is stale");
}

#[test]
fn maybe_due_never_misses_a_due_timer() {
    let mut w = Wheel::new(0);
    assert!(!w.maybe_due(1_000_000));
    let a = w.arm(70_000, 1);
    assert!(!w.maybe_due(4_095), "nothing to cascade before the level-1 slot starts");
    assert!(w.maybe_due(70_000));
    w.postpone(a, 70_000, 900_000);
    assert!(w.maybe_due(70_000), "conservative: the stale slot still looks due");
    assert_eq!(drain(&mut w, 70_000), vec![]);
    assert!(!w.maybe_due(70_000));
}

#[test]
fn lazy_reset_fires_at_the_new_deadline() {
    let mut w = Wheel::new(0);
    let a = w.arm(1_000, 1);
    w.arm(1_000, 2);
    w.postpone(a, 1_000, 5_000);
    assert_eq!(w.next_deadline(), Some(1_000));
    assert_eq!(drain(&mut w, 1_000), vec![(1_000, 2)]);
    assert_eq!(w.next_deadline(), Some(5_000));
    assert_eq!(drain(&mut w, 4_999), vec![]);
    assert_eq!(drain(&mut w, 5_000), vec![(5_000, 1)]);
}

#[test]
fn next_deadline_sees_through_stale_slots() {
    let mut w = Wheel::new(0);
    let a = w.arm(100, 1);
    w.arm(3_000, 2);
    w.postpone(a, 100, 900_000);
    assert_eq!(w.next_deadline(), Some(3_000));
}

#[test]
fn postpone_inside_the_due_batch_waits_for_the_new_deadline() {
    let mut w = Wheel::new(0);
    w.arm(10, 1);
    let b = w.arm(10, 2);
    w.arm(10, 3);
    assert_eq!(w.poll(10), Some((10, 1)));
    w.postpone(b, 10, 500);
    assert_eq!(w.next_deadline(), Some(10), "3 is still due");
    assert_eq!(drain(&mut w, 10), vec![(10, 3)]);
    assert_eq!(w.next_deadline(), Some(500));
    assert_eq!(drain(&mut w, 499), vec![]);
    assert_eq!(drain(&mut w, 500), vec![(500, 2)]);
}

#[test]
fn a_crowd_at_the_earliest_deadline_leaves_one_by_one() {
    let mut w = Wheel::new(0);
    let keys: Vec<TimerKey> = (0..3).map(|i| w.arm(300_000, i)).collect();
    w.arm(400_000, 9);
    assert_eq!(w.earliest, Earliest::At { deadline: 300_000, timers: 3 });
    w.postpone(keys[0], 300_000, 350_000);
    w.cancel(keys[1]);
    assert_eq!(w.earliest, Earliest::At { deadline: 300_000, timers: 1 }, "no search needed yet");
    assert_eq!(w.next_deadline(), Some(300_000));
    w.postpone(keys[2], 300_000, 500_000);
    assert_eq!(w.earliest, Earliest::Unknown);
    assert_eq!(w.next_deadline(), Some(350_000));
    assert_eq!(drain(&mut w, 1_000_000), vec![(350_000, 0), (400_000, 9), (500_000, 2)]);
    assert_eq!(w.next_deadline(), None);
}

#[test]
fn a_due_timer_moved_to_its_own_deadline_fires_after_the_batch() {
    let mut w = Wheel::new(0);
    w.arm(10, 1);
    let b = w.arm(10, 2);
    w.arm(10, 3);
    assert_eq!(w.poll(10), Some((10, 1)));
    w.postpone(b, 10, 10);
    assert_eq!(drain(&mut w, 10), vec![(10, 3), (10, 2)]);
}

#[test]
fn timer_armed_at_now_while_firing_comes_after_the_batch() {
    let mut w = Wheel::new(0);
    w.arm(10, 1);
    w.arm(10, 2);
    assert_eq!(w.poll(10), Some((10, 1)));
    w.arm(10, 3);
    assert_eq!(drain(&mut w, 10), vec![(10, 2), (10, 3)]);
}

#[test]
fn cancel_inside_the_due_batch() {
    let mut w = Wheel::new(0);
    w.arm(10, 1);
    let b = w.arm(10, 2);
    w.arm(10, 3);
    assert_eq!(w.poll(10), Some((10, 1)));
    assert_eq!(w.cancel(b), Some(2));
    assert_eq!(drain(&mut w, 10), vec![(10, 3)]);
}

#[test]
fn far_deadlines_wrap_the_top_level_and_the_span_limit() {
    // Start near the end of a top-level block so deadlines cross it.
    let start = (1u64 << 36) - 5;
    let mut w = Wheel::new(start);
    let far = start + 40 * 24 * 3_600_000; // beyond MAX_SPAN
    w.arm(far, 1);
    w.arm(start + 10, 2);
    w.arm(start + MAX_SPAN - 1, 3);
    assert_eq!(w.next_deadline(), Some(start + 10));
    assert_eq!(drain(&mut w, far - 1), vec![(start + 10, 2), (start + MAX_SPAN - 1, 3)]);
    assert_eq!(w.next_deadline(), Some(far));
    assert_eq!(drain(&mut w, far), vec![(far, 1)]);
}

#[test]
fn matches_a_sorted_model_on_pseudo_random_work() {
    run_against_the_model(Wheel::new(1_000));
}

#[test]
fn matches_the_model_while_the_seq_window_moves() {
    // A span of 16 moves the window every 8 arms, so timers turn ancient,
    // are moved, cancelled and fired in every state.
    run_against_the_model(Wheel::with_seq_span(1_000, 16));
}

fn run_against_the_model(mut w: Wheel<u32>) {
    // A small xorshift drives arms, resets, cancels and polls; a plain
    // list sorted by (deadline, seq) is the model.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut model: Vec<(u64, u64, u32, TimerKey)> = Vec::new();
    let mut now = 1_000u64;
    let mut seq = 0u64;
    for step in 0..20_000u32 {
        match rnd() % 10 {
            0..=3 => {
                let d = now + rnd() % [10, 1_000, 100_000, 50_000_000][(rnd() % 4) as usize];
                let k = w.arm(d, step);
                model.push((d, seq, step, k));
                seq += 1;
            }
            4..=5 if !model.is_empty() => {
                let i = (rnd() % model.len() as u64) as usize;
                let d = now + rnd() % 200_000;
                if d >= model[i].0 {
                    w.postpone(model[i].3, model[i].0, d);
                } else {
                    // Earlier: the engine cancels and arms anew.
                    assert!(w.cancel(model[i].3).is_some());
                    model[i].3 = w.arm(d, model[i].2);
                }
                model[i].0 = d;
                model[i].1 = seq;
                seq += 1;
            }
            6 if !model.is_empty() => {
                let i = (rnd() % model.len() as u64) as usize;
                let (_, _, p, k) = model.swap_remove(i);
                assert_eq!(w.cancel(k), Some(p));
            }
            _ => {
                now += rnd() % [5, 500, 100_000, 10_000_000][(rnd() % 4) as usize];
                model.sort_by_key(|m| (m.0, m.1));
                let split = model.partition_point(|m| m.0 <= now);
                let expected: Vec<(u64, u32)> = model.drain(..split).map(|m| (m.0, m.2)).collect();
                assert_eq!(drain(&mut w, now), expected, "step {step}");
            }
        }
        assert_eq!(w.next_deadline(), model.iter().map(|m| m.0).min(), "step {step}");
        assert_eq!(w.len(), model.len());
        if step % 64 == 0 {
            // What snapshots read: every timer's exact deadline and seq.
            let mut timers: Vec<(u64, u64, u32)> = w.iter().map(|(_, d, s, p)| (s, d, p)).collect();
            timers.sort_unstable();
            let mut expected: Vec<(u64, u64, u32)> = model.iter().map(|m| (m.1, m.0, m.2)).collect();
            expected.sort_unstable();
            assert_eq!(timers, expected, "step {step}");
        }
    }
}

#[test]
fn entries_are_32_bytes() {
    // The engine's payload is 8 bytes (asserted beside `TimerRef`); two
    // entries per chat make this the wheel's share of bytes per chat.
    assert_eq!(std::mem::size_of::<Entry<u64>>(), 32);
}

#[test]
fn an_entry_leaves_a_slot_from_any_place_in_its_list() {
    // Only a list's ends name the slot: cancel the middle, the last, the
    // first and then the only entry, and the slot must end empty.
    let mut w = Wheel::new(0);
    let keys: Vec<TimerKey> = (0..4).map(|i| w.arm(30, i)).collect();
    w.cancel(keys[1]);
    w.cancel(keys[3]);
    w.cancel(keys[0]);
    assert!(w.maybe_due(30));
    let again = w.arm(30, 7);
    assert_eq!(drain(&mut w, 29), vec![]);
    assert_eq!(w.cancel(keys[2]), Some(2));
    assert_eq!(w.cancel(again), Some(7));
    assert!(!w.maybe_due(u64::MAX / 2), "no slot is left marked occupied");
    assert_eq!(w.occupied, [0; LEVELS]);
    assert!(w.heads.iter().chain(w.tails.iter()).all(|&h| h == NIL));
}

#[test]
fn a_timer_armed_long_ago_keeps_its_place_in_arming_order() {
    let mut w = Wheel::with_seq_span(0, 16);
    let old = w.arm(5_000, 1);
    let busy = w.arm(10, 2);
    // Far more arms than the span: `old` turns ancient.
    for t in 11..200 {
        w.postpone(busy, t - 1, t);
    }
    assert!(w.seqs.ancient_count() > 0, "the window moved past the old timer");
    assert_eq!(w.get(old), Some((5_000, 0, 1)), "its seq is exact");
    let newer = w.arm(5_000, 3);
    assert_eq!(w.get(newer).map(|(_, s, _)| s), Some(w.next_seq() - 1));
    w.postpone(busy, 199, 5_000);
    assert_eq!(drain(&mut w, 5_000), vec![(5_000, 1), (5_000, 3), (5_000, 2)]);
    assert_eq!(w.seqs.ancient_count(), 0, "released entries leave the side map");
}

#[test]
fn seqs_far_apart_keep_their_order_and_values() {
    // As a snapshot restores them: any u64, listed in arming order, with
    // gaps wider than an entry's offset can hold.
    let mut w = Wheel::new(0);
    let seqs = [3, 1 << 33, (1 << 33) + 1, 1 << 62, u64::MAX - 2];
    for (i, &s) in seqs.iter().enumerate() {
        w.arm_with_seq(100, s, i as u32);
    }
    assert_eq!(w.next_seq(), u64::MAX - 1);
    let mut saved: Vec<u64> = w.iter().map(|(_, _, s, _)| s).collect();
    saved.sort_unstable();
    assert_eq!(saved, seqs);
    let fresh = w.arm(100, 9);
    assert_eq!(w.get(fresh), Some((100, u64::MAX - 1, 9)));
    assert_eq!(drain(&mut w, 100), vec![(100, 0), (100, 1), (100, 2), (100, 3), (100, 4), (100, 9)]);
}

#[test]
fn out_of_order_seqs_sort_by_their_full_value() {
    // The scratch engine copies a chat's timers in key order, not seq order.
    let mut w = Wheel::new(0);
    w.arm_with_seq(50, 1 << 40, 1);
    w.arm_with_seq(50, 7, 2);
    w.arm_with_seq(50, (1 << 40) - 5, 3);
    assert_eq!(drain(&mut w, 50), vec![(50, 2), (50, 3), (50, 1)]);
}

#[test]
fn an_ancient_timer_beyond_max_span_is_filed_again_until_due() {
    let mut w = Wheel::with_seq_span(0, 16);
    let far = 3 * MAX_SPAN + 17;
    w.arm(far, 1);
    let busy = w.arm(1, 2);
    for t in 2..100 {
        w.postpone(busy, t - 1, t);
    }
    w.postpone(busy, 99, far);
    for step in 1..=3 {
        assert_eq!(drain(&mut w, step * MAX_SPAN), vec![], "filed again at {step} spans");
    }
    assert_eq!(w.next_deadline(), Some(far));
    assert_eq!(drain(&mut w, far), vec![(far, 1), (far, 2)]);
}
