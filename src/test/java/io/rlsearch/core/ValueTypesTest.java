package io.rlsearch.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The value types the runtime passes between threads and actors: they copy their arrays in and out (a
 * caller's later write cannot change a value another holds), compare by content, hash equal values
 * alike and tell different ones apart, refuse inconsistent shapes with a message that names both sizes,
 * and print what a log line needs.
 */
class ValueTypesTest {
  @Test
  void anActionCopiesComparesAndPrints() {
    double[] v = {1.5, -2, 0};
    Action a = Action.of(v);
    v[0] = 99;
    assertEquals(1.5, a.get(0), 0.0);
    double[] out = a.values();
    out[1] = 99;
    assertArrayEquals(new double[] {1.5, -2, 0}, a.values(), 0.0);
    assertEquals(3, a.dim());
    assertEquals(-2.0, a.get(1), 0.0);
    assertEquals(Action.of(1.5, -2, 0), a);
    assertEquals(Action.of(1.5, -2, 0).hashCode(), a.hashCode());
    assertNotEquals(Action.of(1.5, -2, 1), a);
    assertNotEquals(Action.of(1.5, -2, 1).hashCode(), a.hashCode());
    assertNotEquals(a, "Action[1.5, -2.0, 0.0]");
    assertEquals("Action[1.5, -2.0, 0.0]", a.toString());
    Action z = Action.zeros(4);
    assertEquals(4, z.dim());
    assertArrayEquals(new double[4], z.values(), 0.0);
  }

  @Test
  void anObservationChecksItsCandidateBlockAndReadsRowMajor() {
    float[] f = {0.5f, 1.5f};
    float[] c = {1, 2, 3, 4, 5, 6};
    Observation o = new Observation(f, c, 3, 2);
    f[0] = 9;
    c[0] = 9;
    assertArrayEquals(new float[] {0.5f, 1.5f}, o.features());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, o.candidates());
    o.features()[0] = 7;
    o.candidates()[0] = 7;
    assertEquals(0.5f, o.feature(0));
    assertEquals(1.5f, o.feature(1));
    assertEquals(2, o.dim());
    assertEquals(1f, o.candidate(0, 0));
    assertEquals(2f, o.candidate(0, 1));
    assertEquals(3f, o.candidate(1, 0));
    assertEquals(6f, o.candidate(2, 1));
    assertEquals("Observation[features=[0.5, 1.5], candidates=3x2]", o.toString());
    Observation v = Observation.vector(new float[] {1, 2});
    assertEquals("Observation[features=[1.0, 2.0]]", v.toString());
    assertEquals(0, v.nCandidates());
    assertEquals(0, v.candidates().length);
    assertEquals(0, Observation.EMPTY.dim());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Observation(new float[1], new float[5], 3, 2));
    assertEquals("candidates must hold 3 x 2 values, got 5", e.getMessage());
  }

  @Test
  void observationsAreEqualOnlyWithTheSameFeaturesCandidatesAndShape() {
    Observation o = new Observation(new float[] {1}, new float[] {1, 2, 3, 4}, 2, 2);
    assertEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 4}, 2, 2), o);
    assertEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 4}, 2, 2).hashCode(), o.hashCode());
    assertNotEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 4}, 1, 4), o);
    assertNotEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 4}, 4, 1), o);
    assertNotEquals(new Observation(new float[] {2}, new float[] {1, 2, 3, 4}, 2, 2), o);
    assertNotEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 5}, 2, 2), o);
    assertNotEquals(o, Action.of(1));
    // The hash covers both arrays: a change in either moves it.
    assertNotEquals(new Observation(new float[] {2}, new float[] {1, 2, 3, 4}, 2, 2).hashCode(), o.hashCode());
    assertNotEquals(new Observation(new float[] {1}, new float[] {1, 2, 3, 5}, 2, 2).hashCode(), o.hashCode());
  }

  @Test
  void aRawStateCopiesItsOneHotAndComparesEveryField() {
    double[] phi = {0, 1, 0};
    RawState s = new RawState("price_hunter", "dog_food", "generic", phi);
    phi[1] = 5;
    assertArrayEquals(new double[] {0, 1, 0}, s.phiCat(), 0.0);
    s.phiCat()[0] = 5;
    assertArrayEquals(new double[] {0, 1, 0}, s.phiCat(), 0.0);
    assertEquals(new RawState("price_hunter", "dog_food", "generic", new double[] {0, 1, 0}), s);
    assertEquals(new RawState("price_hunter", "dog_food", "generic", new double[] {0, 1, 0}).hashCode(),
        s.hashCode());
    assertNotEquals(new RawState("premium", "dog_food", "generic", new double[] {0, 1, 0}), s);
    assertNotEquals(new RawState("price_hunter", "cat_food", "generic", new double[] {0, 1, 0}), s);
    assertNotEquals(new RawState("price_hunter", "dog_food", "brand", new double[] {0, 1, 0}), s);
    assertNotEquals(new RawState("price_hunter", "dog_food", "generic", new double[] {1, 0, 0}), s);
    assertNotEquals(s, "price_hunter");
    assertNotEquals(new RawState("premium", "dog_food", "generic", new double[0]).hashCode(), s.hashCode());
    assertNotEquals(new RawState("price_hunter", "dog_food", "brand", new double[0]).hashCode(), s.hashCode());
    assertEquals(0, RawState.NONE.phiCat().length);
  }

  @Test
  void rewardBreakdownsAddFieldByField() {
    RewardBreakdown a = new RewardBreakdown(10, 2, 1, 3);
    RewardBreakdown b = new RewardBreakdown(0.5, -1, 2, 4);
    assertEquals(new RewardBreakdown(10.5, 1, 3, 7), a.plus(b));
    assertEquals(a, a.plus(RewardBreakdown.ZERO));
  }

  private static StepInfo info(double satisfaction, int[] ranking, RawState raw) {
    return new StepInfo(new RewardBreakdown(12, 3, 1, 2), satisfaction, ranking, new int[] {1, 0},
        new int[] {0, 1}, new double[] {0.1, 0.2}, new int[] {9, 7}, 0.5, "premium", "brand", 0.25, true, raw);
  }

  @Test
  void aStepInfoCopiesItsArraysAndSwapsOnlyItsRawState() {
    int[] ranking = {7, 9};
    RawState raw = new RawState("premium", "dog_food", "brand", new double[] {1, 0});
    StepInfo s = info(0.8, ranking, raw);
    ranking[0] = 0;
    assertArrayEquals(new int[] {7, 9}, s.ranking());
    s.ranking()[0] = 0;
    s.clicks()[0] = 5;
    s.buys()[0] = 5;
    s.features()[0] = 5;
    s.baselineRanking()[0] = 5;
    assertArrayEquals(new int[] {7, 9}, s.ranking());
    assertArrayEquals(new int[] {1, 0}, s.clicks());
    assertArrayEquals(new int[] {0, 1}, s.buys());
    assertArrayEquals(new double[] {0.1, 0.2}, s.features(), 0.0);
    assertArrayEquals(new int[] {9, 7}, s.baselineRanking());
    assertEquals("StepInfo[reward=RewardBreakdown[gmv=12.0, cm2=3.0, strat=1.0, clicks=2.0], ranking=[7, 9], "
        + "clicks=[1, 0], buys=[0, 1], satisfaction=0.8]", s.toString());

    StepInfo t = s.withRawState(RawState.NONE);
    assertEquals(RawState.NONE, t.rawState());
    assertNotEquals(s, t);
    assertEquals(s, t.withRawState(raw));
    assertEquals(s.hashCode(), t.withRawState(raw).hashCode());
    assertEquals(0.25, t.pReturn(), 0.0);
    assertTrue(t.returned());
  }

  @Test
  void stepInfosDifferWhenAnyFieldDiffers() {
    RawState raw = RawState.NONE;
    StepInfo s = info(0.8, new int[] {7, 9}, raw);
    RewardBreakdown r = s.reward();
    assertEquals(info(0.8, new int[] {7, 9}, raw), s);
    assertNotEquals(s, "StepInfo");
    StepInfo[] others = {
        new StepInfo(new RewardBreakdown(12, 3, 1, 3), 0.8, s.ranking(), s.clicks(), s.buys(), s.features(),
            s.baselineRanking(), 0.5, "premium", "brand", 0.25, true, raw),
        info(0.7, new int[] {7, 9}, raw),
        info(0.8, new int[] {9, 7}, raw),
        new StepInfo(r, 0.8, s.ranking(), new int[] {0, 0}, s.buys(), s.features(), s.baselineRanking(), 0.5,
            "premium", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), new int[] {0, 0}, s.features(), s.baselineRanking(), 0.5,
            "premium", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), new double[] {0.1, 0.3}, s.baselineRanking(), 0.5,
            "premium", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), new int[] {7, 9}, 0.5,
            "premium", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), s.baselineRanking(), 0.0,
            "premium", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), s.baselineRanking(), 0.5,
            "litter_heavy", "brand", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), s.baselineRanking(), 0.5,
            "premium", "generic", 0.25, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), s.baselineRanking(), 0.5,
            "premium", "brand", 0.5, true, raw),
        new StepInfo(r, 0.8, s.ranking(), s.clicks(), s.buys(), s.features(), s.baselineRanking(), 0.5,
            "premium", "brand", 0.25, false, raw),
    };
    for (int i = 0; i < others.length; i++) {
      assertNotEquals(s, others[i], "variant " + i);
    }
    // The hash covers the ranking and the reward.
    assertNotEquals(s.hashCode(), others[0].hashCode());
    assertNotEquals(s.hashCode(), others[2].hashCode());
  }

  private static Transition transition(double reward, int[] clicked, int[] bought, double[] positionRewards) {
    return new Transition(12, 3, 1, "linucb", 4, new double[] {1, 0.5}, 2, null, 0.25, reward,
        new RewardBreakdown(20, 5, 1, 2), 1, 4, 0.9, 2, new int[] {5, 3}, clicked, bought, 0.5, 0.2, 0.6,
        positionRewards);
  }

  @Test
  void aTransitionFillsAbsentArraysAndCopiesThePresentOnes() {
    double[] context = {1, 0.5};
    double[] action = {0.1, 0.2};
    int[] slate = {5, 3};
    Transition t = new Transition(12, 3, 1, "cem", 4, context, -1, action, 1.0, 3.0,
        new RewardBreakdown(20, 5, 1, 2), 1, 4, 0.9, 2, slate, new int[] {1, 0}, new int[] {0, 0});
    context[0] = 9;
    action[0] = 9;
    slate[0] = 9;
    t.context()[1] = 9;
    t.action()[1] = 9;
    t.slate()[1] = 9;
    t.clicked()[0] = 9;
    t.bought()[0] = 9;
    assertArrayEquals(new double[] {1, 0.5}, t.context(), 0.0);
    assertArrayEquals(new double[] {0.1, 0.2}, t.action(), 0.0);
    assertArrayEquals(new int[] {5, 3}, t.slate());
    assertArrayEquals(new int[] {1, 0}, t.clicked());
    assertArrayEquals(new int[] {0, 0}, t.bought());
    assertEquals(0, t.positionRewards().length);
    assertTrue(Double.isNaN(t.rankChange()) && Double.isNaN(t.exposurePl()) && Double.isNaN(t.diversity()));

    Transition bare = new Transition(1, 1, 0, "a", 0, new double[] {1}, 0, null, 1.0, 0.0,
        RewardBreakdown.ZERO, 0, 0, 0.5, 0);
    assertEquals(0, bare.action().length);
    assertEquals(0, bare.slate().length);
    assertEquals(0, bare.clicked().length);
    assertEquals(0, bare.bought().length);
    assertEquals(0.0, bare.ctr(), 0.0);
    assertEquals("Transition[episode=12, version=4, arm=-1, reward=3.0]", t.toString());

    Transition full = transition(3.0, new int[] {1, 1}, new int[] {1, 0}, new double[] {2.5, 0.5});
    full.positionRewards()[0] = 9;
    assertArrayEquals(new double[] {2.5, 0.5}, full.positionRewards(), 0.0);
    assertEquals(2.0, full.clicks(), 0.0);
    assertEquals(0.5, full.ctr(), 0.0);
    assertEquals(0.5, full.rankChange(), 0.0);
    assertEquals(0.2, full.exposurePl(), 0.0);
    assertEquals(0.6, full.diversity(), 0.0);
    Transition six = new Transition(12, 3, 1, "a", 4, new double[] {1}, 0, null, 1.0, 0.0,
        RewardBreakdown.ZERO, 0, 2, 0.5, 0, null, new int[2], new int[2], 0.25);
    assertEquals(0.25, six.rankChange(), 0.0);
    assertTrue(Double.isNaN(six.exposurePl()));
    Transition seven = new Transition(12, 3, 1, "a", 4, new double[] {1}, 0, null, 1.0, 0.0,
        RewardBreakdown.ZERO, 0, 2, 0.5, 0, null, new int[2], new int[2], 0.25, 0.75);
    assertEquals(0.75, seven.exposurePl(), 0.0);
    assertTrue(Double.isNaN(seven.diversity()));
  }

  @Test
  void aTransitionRefusesPositionsOfDifferentLengthsNamingThem() {
    assertEquals("position rewards need one entry per position shown; got 3 for 2 positions",
        assertThrows(IllegalArgumentException.class,
            () -> transition(1, new int[2], new int[2], new double[3])).getMessage());
    assertEquals("slate, clicked and bought need one entry per position shown; got 2, 2, 1",
        assertThrows(IllegalArgumentException.class,
            () -> transition(1, new int[2], new int[1], null)).getMessage());
    assertEquals("slate, clicked and bought need one entry per position shown; got 2, 3, 3",
        assertThrows(IllegalArgumentException.class,
            () -> transition(1, new int[3], new int[3], null)).getMessage());
    // No slate: only clicked and bought must agree.
    Transition noSlate = new Transition(1, 1, 0, "a", 0, new double[] {1}, 0, null, 1.0, 0.0,
        RewardBreakdown.ZERO, 0, 3, 0.5, 0, null, new int[3], new int[3]);
    assertEquals(3, noSlate.clicked().length);
    assertEquals(0, noSlate.slate().length);
    assertThrows(NullPointerException.class, () -> new Transition(1, 1, 0, null, 0, new double[] {1}, 0, null, 1.0,
        0.0, RewardBreakdown.ZERO, 0, 0, 0.5, 0));
    assertThrows(NullPointerException.class, () -> new Transition(1, 1, 0, "a", 0, new double[] {1}, 0, null, 1.0,
        0.0, null, 0, 0, 0.5, 0));
  }

  @Test
  void transitionsAreEqualOnlyWhenEveryFieldIs() {
    Transition t = transition(3.0, new int[] {1, 1}, new int[] {1, 0}, new double[] {2.5, 0.5});
    assertEquals(transition(3.0, new int[] {1, 1}, new int[] {1, 0}, new double[] {2.5, 0.5}), t);
    assertEquals(transition(3.0, new int[] {1, 1}, new int[] {1, 0}, new double[] {2.5, 0.5}).hashCode(),
        t.hashCode());
    assertNotEquals(t, "Transition");
    RewardBreakdown b = t.breakdown();
    int[] c = t.clicked();
    int[] o = t.bought();
    int[] s = t.slate();
    double[] p = t.positionRewards();
    Transition[] others = {
        new Transition(13, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 4, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 2, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "lints", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 5, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, new double[] {1, 0.6}, 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 1, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, new double[] {1}, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.5, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.5, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, RewardBreakdown.ZERO, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 2, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 5, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.8, 2, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 3, s, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, new int[] {3, 5}, c, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, new int[] {0, 1}, o, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, new int[] {0, 1}, 0.5, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.4, 0.2, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.3, 0.6, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.7, p),
        new Transition(12, 3, 1, "linucb", 4, t.context(), 2, null, 0.25, 3.0, b, 1, 4, 0.9, 2, s, c, o, 0.5, 0.2, 0.6, new double[] {2, 1}),
    };
    for (int i = 0; i < others.length; i++) {
      assertNotEquals(t, others[i], "variant " + i);
    }
    // The hash covers the identity, the context, the arm and the reward.
    for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, 9}) {
      assertNotEquals(t.hashCode(), others[i].hashCode(), "variant " + i);
    }
  }
}
