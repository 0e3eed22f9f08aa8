package io.rlsearch.serving.export;

import io.rlsearch.experiments.SimulatedRequests;
import io.rlsearch.sim.World;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A representative context per user segment of the simulated world: the mean, feature by feature, of
 * the world schema's context over that segment's requests among the first {@link #REQUESTS} simulated
 * requests of seed 0 ({@link SimulatedRequests}). The segment's one-hot is 1 and the others 0; the
 * query-type one-hots become the segment's query-type shares; the sensitivities and the top-result
 * aggregates are the segment's means.
 */
public final class SegmentContexts {
  /** The simulated requests the means are taken over. */
  public static final int REQUESTS = 4000;

  private SegmentContexts() {}

  /**
   * The world's segments' mean contexts, in the world's segment order, and under {@code "all"} the
   * mean over every request, each in the order of {@link SimulatedRequests#schema()}'s context.
   */
  public static Map<String, double[]> of(World world) {
    SimulatedRequests requests = new SimulatedRequests(world, 0L);
    List<String> ctx = requests.schema().context();
    List<String> segments = world.settings().users().segments();
    Map<String, double[]> sum = new LinkedHashMap<>();
    int[] count = new int[segments.size() + 1];
    for (String seg : segments) {
      sum.put(seg, new double[ctx.size()]);
    }
    double[] all = new double[ctx.size()];
    for (long i = 0; i < REQUESTS; i++) {
      double[] x = requests.session(i).request().context();
      int seg = -1;
      for (int s = 0; s < segments.size(); s++) {
        if (x[ctx.indexOf("segment_" + segments.get(s))] == 1.0) {
          seg = s;
        }
      }
      if (seg < 0) {
        throw new IllegalStateException("simulated request " + i + " has no segment one-hot");
      }
      add(sum.get(segments.get(seg)), x);
      add(all, x);
      count[seg]++;
      count[segments.size()]++;
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    for (int s = 0; s < segments.size(); s++) {
      if (count[s] > 0) {
        out.put(segments.get(s), scale(sum.get(segments.get(s)), count[s]));
      }
    }
    out.put("all", scale(all, count[segments.size()]));
    return out;
  }

  private static void add(double[] acc, double[] x) {
    for (int j = 0; j < x.length; j++) {
      acc[j] += x[j];
    }
  }

  private static double[] scale(double[] acc, int n) {
    double[] out = new double[acc.length];
    for (int j = 0; j < acc.length; j++) {
      out[j] = acc[j] / n;
    }
    return out;
  }
}
