package io.rlsearch.eval.opl;

import io.rlsearch.eval.logs.LoggedRound;
import io.rlsearch.eval.logs.ObdDataset;
import io.rlsearch.eval.logs.ObdRound;
import io.rlsearch.eval.logs.TeamLog;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A discrete logged bandit dataset as the off-policy learners read it: per row, the context, the
 * action shown, its 0-based position, the reward and the behaviour policy's probability of that
 * action at that position (the Open Bandit Pipeline's {@code bandit_feedback} arrays).
 *
 * <p>{@code group} ties rows of the same round together (the positions of one ranking, the steps of
 * one episode) so that a train/held-out split never separates them.
 *
 * @param context {@code [row][feature]}, in the order of {@code featureNames}
 * @param actions the action of each row, {@code 0..nActions-1}
 * @param positions the position of each row, {@code 0..nPositions-1}
 * @param rewards the reward of each row
 * @param pscores the behaviour policy's probability of the row's action at its position, in (0, 1]
 * @param groups the round each row belongs to
 * @param nActions the number of actions
 * @param nPositions the number of positions
 * @param featureNames the context features' names
 * @param actionIds the actions' ids, by index
 */
public record BanditData(double[][] context, int[] actions, int[] positions, double[] rewards, double[] pscores,
    long[] groups, int nActions, int nPositions, List<String> featureNames, List<String> actionIds) {

  /**
   * The most actions a dataset may have: the learners and the held-out evaluation keep a row-by-action
   * table, so an unbounded action count (a typo arm index, a log of millions of item ids) would
   * exhaust memory. 1,000 is ten times the largest Open Bandit Dataset campaign (80 items).
   */
  public static final int MAX_ACTIONS = 1000;

  public BanditData {
    int n = actions.length;
    if (context.length != n || positions.length != n || rewards.length != n || pscores.length != n
        || groups.length != n) {
      throw new IllegalArgumentException("context, actions, positions, rewards, pscores and groups need one entry per"
          + " row; got " + context.length + ", " + n + ", " + positions.length + ", " + rewards.length + ", "
          + pscores.length + ", " + groups.length);
    }
    if (nActions < 1 || nPositions < 1) {
      throw new IllegalArgumentException("a dataset needs at least one action and one position, got " + nActions
          + " and " + nPositions);
    }
    if (nActions > MAX_ACTIONS) {
      throw new IllegalArgumentException(nActions + " actions; learning from logs takes at most " + MAX_ACTIONS);
    }
    if (actionIds.size() != nActions) {
      throw new IllegalArgumentException(nActions + " actions but " + actionIds.size() + " action ids");
    }
    featureNames = List.copyOf(featureNames);
    actionIds = List.copyOf(actionIds);
    for (int i = 0; i < n; i++) {
      if (context[i].length != featureNames.size()) {
        throw new IllegalArgumentException("row " + i + " has " + context[i].length + " context values, expected "
            + featureNames.size() + " (one per feature name)");
      }
      if (actions[i] < 0 || actions[i] >= nActions) {
        throw new IllegalArgumentException("row " + i + " has action " + actions[i] + ", expected 0.."
            + (nActions - 1));
      }
      if (positions[i] < 0 || positions[i] >= nPositions) {
        throw new IllegalArgumentException("row " + i + " has position " + positions[i] + ", expected 0.."
            + (nPositions - 1));
      }
      if (!(pscores[i] > 0 && pscores[i] <= 1)) {
        throw new IllegalArgumentException("row " + i + " has propensity " + pscores[i] + ", expected a probability"
            + " in (0, 1]");
      }
      if (!Double.isFinite(rewards[i])) {
        throw new IllegalArgumentException("row " + i + " has reward " + rewards[i] + ", expected a finite number");
      }
    }
  }

  /** Rows. */
  public int size() {
    return actions.length;
  }

  /** Context features. */
  public int dim() {
    return featureNames.size();
  }

  /** The rows at {@code rows}, in that order. */
  public BanditData subset(int[] rows) {
    double[][] x = new double[rows.length][];
    int[] a = new int[rows.length];
    int[] p = new int[rows.length];
    double[] r = new double[rows.length];
    double[] ps = new double[rows.length];
    long[] g = new long[rows.length];
    for (int k = 0; k < rows.length; k++) {
      int i = rows[k];
      x[k] = context[i];
      a[k] = actions[i];
      p[k] = positions[i];
      r[k] = rewards[i];
      ps[k] = pscores[i];
      g[k] = groups[i];
    }
    return new BanditData(x, a, p, r, ps, g, nActions, nPositions, featureNames, actionIds);
  }

  /** The mean reward: the behaviour policy's value on these rows. */
  public double meanReward() {
    double s = 0;
    for (double v : rewards) {
      s += v;
    }
    return s / Math.max(1, rewards.length);
  }

  /**
   * An Open Bandit Dataset sample: OBP's {@code context} (the one-hot user features, see
   * {@link ObdDataset#context()}), action, position, click and pscore; one round per row, as OBP
   * counts them. Items are named by their {@code item_id}.
   */
  public static BanditData ofObd(ObdDataset d) {
    int n = d.nRounds();
    if (n == 0) {
      throw new IllegalArgumentException("the Open Bandit Dataset sample has no rows");
    }
    double[] r = new double[n];
    int[] clicks = d.rewards();
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = clicks[i];
      g[i] = i;
    }
    int nActions = Math.max(d.nActions(), d.items().size());
    List<String> ids = new ArrayList<>();
    for (int a = 0; a < nActions; a++) {
      ids.add(Integer.toString(a));
    }
    return new BanditData(d.context(), d.actions(), d.positions(), r, d.pscores(), g, nActions,
        Math.max(d.lenList(), ObdDataset.POSITIONS), d.contextColumns(), ids);
  }

  /** A team's log ({@link TeamLog}): one row per shown item, grouped by its {@code round} id. */
  public static BanditData ofTeam(TeamLog log) {
    List<LoggedRound> rows = log.rounds();
    int n = rows.size();
    if (n == 0) {
      throw new IllegalArgumentException("the team log has no readable rows");
    }
    double[][] x = new double[n][];
    int[] a = new int[n];
    int[] p = new int[n];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    Map<String, Long> roundIds = new HashMap<>();
    int maxPos = 0;
    for (int i = 0; i < n; i++) {
      LoggedRound row = rows.get(i);
      x[i] = row.context();
      a[i] = row.action();
      p[i] = row.position();
      r[i] = row.reward();
      ps[i] = row.pscore();
      g[i] = roundIds.computeIfAbsent(row.round(), k -> (long) roundIds.size());
      maxPos = Math.max(maxPos, row.position());
    }
    if (log.actionIds().size() > MAX_ACTIONS) {
      throw new IllegalArgumentException("the team log has " + log.actionIds().size() + " distinct actions;"
          + " learning from logs takes at most " + MAX_ACTIONS);
    }
    return new BanditData(x, a, p, r, ps, g, log.actionIds().size(), maxPos + 1, log.contextNames(), log.actionIds());
  }

  /**
   * A decision log of discrete decisions ({@code arm >= 0}), one position, grouped by episode; the
   * actions are the arms, named {@code arm_K} unless {@code actionIds} names them, the features
   * {@code x_J} unless {@code featureNames} names them.
   *
   * @param where names the log in an error
   * @throws IllegalArgumentException naming the first decision that is continuous or a slate's,
   *     whose propensity is not a probability, or whose context has another length
   */
  public static BanditData ofDecisions(List<LoggedDecision> log, String where, List<String> featureNames,
      List<String> actionIds) {
    int n = log.size();
    if (n == 0) {
      throw new IllegalArgumentException(where + ": no decisions");
    }
    int dim = log.get(0).context().length;
    int nActions = 0;
    for (int i = 0; i < n; i++) {
      LoggedDecision d = log.get(i);
      String which = where + ": decision " + (i + 1) + " (episode " + d.episode() + ", step " + d.step() + ")";
      if (d.slate() != null || d.arm() < 0) {
        throw new IllegalArgumentException(which + " is " + (d.slate() != null ? "a slate policy's ranking"
            : "a continuous boost-weight action") + "; learning from logs takes discrete decisions (arm >= 0) only");
      }
      if (!(d.propensity() > 0 && d.propensity() <= 1)) {
        throw new IllegalArgumentException(which + " has propensity " + d.propensity() + ", expected the arm's"
            + " probability in (0, 1]");
      }
      if (d.context().length != dim) {
        throw new IllegalArgumentException(which + " has " + d.context().length + " context values, the first has "
            + dim);
      }
      if (d.arm() >= MAX_ACTIONS || d.probabilities().length > MAX_ACTIONS) {
        throw new IllegalArgumentException(which + " has arm " + d.arm() + " of " + d.probabilities().length
            + " probabilities; learning from logs takes at most " + MAX_ACTIONS + " arms (0.." + (MAX_ACTIONS - 1)
            + ")");
      }
      nActions = Math.max(nActions, Math.max(d.arm() + 1, d.probabilities().length));
    }
    List<String> names = featureNames;
    if (names == null) {
      names = new ArrayList<>();
      for (int j = 0; j < dim; j++) {
        names.add("x_" + j);
      }
    } else if (names.size() != dim) {
      throw new IllegalArgumentException(where + ": the decisions have " + dim + " context values, the expected"
          + " features are " + names.size() + " (" + String.join(", ", names) + ")");
    }
    List<String> ids = actionIds;
    if (ids == null) {
      ids = new ArrayList<>();
      for (int k = 0; k < nActions; k++) {
        ids.add("arm_" + k);
      }
    } else if (ids.size() < nActions) {
      throw new IllegalArgumentException(where + ": the decisions have " + nActions + " arms, expected at most "
          + ids.size());
    }
    double[][] x = new double[n][];
    int[] a = new int[n];
    int[] p = new int[n];
    double[] r = new double[n];
    double[] ps = new double[n];
    long[] g = new long[n];
    for (int i = 0; i < n; i++) {
      LoggedDecision d = log.get(i);
      x[i] = d.context();
      a[i] = d.arm();
      r[i] = d.reward();
      ps[i] = d.propensity();
      g[i] = d.episode();
    }
    return new BanditData(x, a, p, r, ps, g, ids.size(), 1, names, ids);
  }
}
