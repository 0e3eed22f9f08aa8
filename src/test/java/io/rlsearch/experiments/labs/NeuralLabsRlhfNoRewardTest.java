package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lab 8.4 (RLHF) with a reward model that scores everything 0: SFT and the expert are as without it
 * (their GMV re-done here from the definitions), the reward centred on its running mean is 0, so
 * REINFORCE never moves the policy from SFT (the KL term's gradient is 0 there too): the fine-tuned
 * policy is SFT's, its KL 0, and the verdict says it does not beat SFT.
 */
class NeuralLabsRlhfNoRewardTest {
  @Test
  void withoutAnyRewardTheFineTunedPolicyStaysSftAndDoesNotBeatIt() {
    NeuralLabsRlhfTest.FixedRewardModel rm = new NeuralLabsRlhfTest.FixedRewardModel(new double[10]);
    LabReport r = new NeuralLabs.Rlhf().run(NeuralLabsRlhfTest.DEFAULTS, new NeuralLabsTest.ScorerLearners(rm));

    World w = World.generate(NeuralLabsRlhfTest.DEFAULTS.withSeed(2025), new NumpyRandom(2025));
    List<Transition> demo = NeuralLabsRlhfTest.demonstrations(w);
    NeuralLabsRlhfTest.Gaussian sft = NeuralLabsRlhfTest.sft(demo.subList(0, 100));
    double sftGmv = NeuralLabsRlhfTest.meanGmv(NeuralLabsRlhfTest.run(w, NeuralLabsRlhfTest.policy("sft", sft::means),
        99, 1000));
    double expertGmv = NeuralLabsRlhfTest.meanGmv(NeuralLabsRlhfTest.run(w, NeuralLabsRlhfTest.policy("expert",
        NeuralLabsRlhfTest::expert), 99, 1000));
    assertEquals(sftGmv, (double) r.figures().get("sft_gmv"), 1e-9);
    assertEquals(expertGmv, (double) r.figures().get("expert_gmv"), 1e-9);
    assertEquals(sftGmv, (double) r.figures().get("rl_gmv"), 0.0, "the policy never left SFT");
    assertEquals(0.0, (double) r.figures().get("kl_to_sft_last_200"), 0.0);
    assertEquals(2000, rm.singleRows.size());

    // a score of 0 never puts "a" ahead: right exactly where b's GMV is the larger (ties left out)
    NumpyRandom pr = new NumpyRandom(2025);
    for (int i = 0; i < 400; i++) {
      pr.integers(0, 100);
    }
    List<Transition> testEps = demo.subList(100, 200);
    int bAhead = 0;
    int decided = 0;
    for (int i = 0; i < 200; i++) {
      double ga = testEps.get((int) pr.integers(0, 100)).breakdown().gmv();
      double gb = testEps.get((int) pr.integers(0, 100)).breakdown().gmv();
      decided += ga != gb ? 1 : 0;
      bAhead += ga < gb ? 1 : 0;
    }
    assertEquals(bAhead / (double) decided, (double) r.figures().get("reward_model_pair_accuracy"), 1e-12);

    assertEquals(false, r.figures().get("rl_beats_sft"));
    assertEquals(true, r.book().get("rl_beats_sft"));
    assertTrue(r.match().get("rl_beats_sft").startsWith("the fine-tuned policy loses true GMV against SFT here"),
        r.match().get("rl_beats_sft"));
  }
}
