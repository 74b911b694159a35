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
    // A small xorshift drives arms, resets, cancels and polls; a plain
    // list sorted by (deadline, seq) is the model.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut w = Wheel::new(1_000);
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
    }
}
