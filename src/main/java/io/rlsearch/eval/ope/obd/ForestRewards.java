package io.rlsearch.eval.ope.obd;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.BaggingTrainer;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Cross-fitted random-forest reward estimates, the Open Bandit Pipeline's
 * {@code RegressionModel.fit_predict} with a {@code RandomForestClassifier} base model: one forest
 * per (fold, position), trained with Tribuo on the rounds outside the fold logged at that position,
 * features {@code [context of the round, action context of the action]}, label the click. Each tree
 * is grown by CART (Gini impurity) on a bootstrap sample, trying {@code floor(sqrt(features))}
 * random features at each split; the estimate is the click share of the round's leaf averaged over
 * the trees, as scikit-learn's {@code predict_proba} averages the leaves' class distributions.
 *
 * <p>The trained trees are copied into flat arrays, so an estimate costs one walk down each tree
 * with no feature-name lookups or allocation; {@link #at} is safe to call from several threads.
 */
public final class ForestRewards implements EstimatedRewards {
  private static final String CLICK = "1";
  private static final String NO_CLICK = "0";
  /** Tribuo records a creation time in a dataset's provenance; a fixed one keeps it out of the wall clock. */
  private static final OffsetDateTime EPOCH = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  /**
   * Tribuo's bagging trainer logs a line at INFO for every tree it builds; held here (the logging
   * framework keeps loggers only weakly) and quietened to warnings.
   */
  private static final Logger BAGGING_LOG = Logger.getLogger(BaggingTrainer.class.getName());

  static {
    BAGGING_LOG.setLevel(Level.WARNING);
  }

  /**
   * The forest's settings.
   *
   * @param trees trees in each forest (scikit-learn's {@code n_estimators})
   * @param maxDepth longest path from the root to a leaf, in splits ({@code max_depth})
   * @param minChildWeight a node holding fewer bootstrap draws than this is not split further.
   *     Tribuo's nearest setting to {@code min_samples_leaf}, which instead forbids any split that
   *     would leave fewer draws than it in a child; with the same number, Tribuo's trees can end in
   *     smaller leaves than scikit-learn's
   * @param seed the trainer's seed: the same seed gives the same trees
   */
  public record ForestParams(int trees, int maxDepth, float minChildWeight, long seed) {
    public ForestParams {
      if (trees < 1) {
        throw new IllegalArgumentException("a forest needs at least 1 tree, got " + trees);
      }
      if (maxDepth < 1) {
        throw new IllegalArgumentException("tree depth must be at least 1, got " + maxDepth);
      }
      if (!(minChildWeight > 0)) {
        throw new IllegalArgumentException("minimum child weight must be > 0, got " + minChildWeight);
      }
    }

    /**
     * The Open Bandit Pipeline's example forest: {@code RandomForestClassifier(n_estimators=30,
     * max_depth=5, min_samples_leaf=10, random_state=12345)}.
     */
    public static ForestParams obp() {
      return new ForestParams(30, 5, 10f, 12345L);
    }
  }

  /** One forest as flat arrays: per tree, per node, the feature column (-1 at a leaf), threshold, children and leaf value. */
  static final class Forest {
    final int[][] feature;
    final double[][] threshold;
    final int[][] lessOrEqual;
    final int[][] greater;
    final double[][] click;

    Forest(int[][] feature, double[][] threshold, int[][] lessOrEqual, int[][] greater, double[][] click) {
      this.feature = feature;
      this.threshold = threshold;
      this.lessOrEqual = lessOrEqual;
      this.greater = greater;
      this.click = click;
    }

    int trees() {
      return feature.length;
    }

    /** The mean over the trees of the leaf click share of the row {@code [x, y]}. */
    double predict(double[] x, double[] y) {
      double sum = 0;
      int width = x.length;
      for (int t = 0; t < feature.length; t++) {
        int[] f = feature[t];
        double[] th = threshold[t];
        int node = 0;
        while (f[node] >= 0) {
          int j = f[node];
          double v = j < width ? x[j] : y[j - width];
          node = v > th[node] ? greater[t][node] : lessOrEqual[t][node];
        }
        sum += click[t][node];
      }
      return sum / feature.length;
    }
  }

  private final Forest[][] forests;
  private final double[][] context;
  private final double[][] actionContext;
  private final int[] foldOfRound;

  private ForestRewards(Forest[][] forests, double[][] context, double[][] actionContext, int[] foldOfRound) {
    this.forests = forests;
    this.context = context;
    this.actionContext = actionContext;
    this.foldOfRound = foldOfRound.clone();
  }

  /**
   * Fits the forests as the Open Bandit Pipeline's {@code RegressionModel.fit_predict} does with a
   * random-forest base model: for each fold k and position p, a forest with {@code params} on the
   * rounds outside fold k logged at position p, features {@code [context, actionContext[logged
   * action]]}, label the reward. Every forest is trained with the same seed, as the pipeline clones
   * one {@code random_state} into every model.
   *
   * @param foldOfRound each round's fold, 0 to {@code folds - 1} (see {@link Folds#kFold})
   */
  public static ForestRewards crossFit(double[][] context, double[][] actionContext, int[] actions,
      int[] positions, int[] rewards, int[] foldOfRound, int folds, int positionCount, ForestParams params) {
    int n = context.length;
    if (actions.length != n || positions.length != n || rewards.length != n || foldOfRound.length != n) {
      throw new IllegalArgumentException("context, actions, positions, rewards and folds must have the same length");
    }
    Forest[][] forests = new Forest[folds][positionCount];
    for (int k = 0; k < folds; k++) {
      for (int p = 0; p < positionCount; p++) {
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (foldOfRound[i] != k && positions[i] == p) {
            double[] a = actionContext[actions[i]];
            double[] row = Arrays.copyOf(context[i], context[i].length + a.length);
            System.arraycopy(a, 0, row, context[i].length, a.length);
            x.add(row);
            y.add(rewards[i]);
          }
        }
        if (x.isEmpty()) {
          throw new IllegalArgumentException("no training rounds outside fold " + k + " at position " + p);
        }
        double[][] xs = x.toArray(double[][]::new);
        EnsembleModel<Label> model = train(xs, y.stream().mapToInt(Integer::intValue).toArray(), params);
        forests[k][p] = compile(model, xs[0].length);
      }
    }
    return new ForestRewards(forests, context, actionContext, foldOfRound);
  }

  /** Feature names that sort in column order, since Tribuo numbers features by name. */
  static String[] featureNames(int width) {
    String[] names = new String[width];
    for (int j = 0; j < width; j++) {
      names[j] = String.format("f%05d", j);
    }
    return names;
  }

  /** Trains one Tribuo forest on rows {@code x} with click labels {@code y} (0 or 1). */
  static EnsembleModel<Label> train(double[][] x, int[] y, ForestParams params) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("forest needs one label a row, got " + x.length + " rows and "
          + y.length + " labels");
    }
    int width = x.length == 0 ? 0 : x[0].length;
    String[] names = featureNames(width);
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(
        new SimpleDataSourceProvenance("rounds", EPOCH, labels), labels);
    Label click = new Label(CLICK);
    Label noClick = new Label(NO_CLICK);
    for (int i = 0; i < x.length; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("row " + i + " has reward " + y[i] + ", a forest needs 0 or 1");
      }
      data.add(new ArrayExample<>(y[i] == 1 ? click : noClick, names, x[i]));
    }
    // Tribuo tries round(fraction * width) features at a split: floor(sqrt(width)), scikit-learn's "sqrt", for
    // floor(sqrt(width)) - 0.25 over width, which stays below 1 (Tribuo's random forest refuses a fraction of 1)
    // even for one column.
    float fraction = (float) ((Math.floor(Math.sqrt(width)) - 0.25) / width);
    CARTClassificationTrainer cart = new CARTClassificationTrainer(params.maxDepth(), params.minChildWeight(),
        0f, Math.min(1f, fraction), false, new GiniIndex(), params.seed());
    RandomForestTrainer<Label> forest = new RandomForestTrainer<>(cart, new FullyWeightedVotingCombiner(),
        params.trees(), params.seed());
    return forest.train(data);
  }

  /** Copies a trained forest into flat arrays over columns {@code 0..width-1}. */
  static Forest compile(EnsembleModel<Label> model, int width) {
    List<Model<Label>> members = model.getModels();
    int trees = members.size();
    int[][] feature = new int[trees][];
    double[][] threshold = new double[trees][];
    int[][] lessOrEqual = new int[trees][];
    int[][] greater = new int[trees][];
    double[][] click = new double[trees][];
    for (int t = 0; t < trees; t++) {
      TreeModel<Label> tree = (TreeModel<Label>) members.get(t);
      ImmutableFeatureMap ids = tree.getFeatureIDMap();
      int[] column = new int[ids.size()];
      for (VariableInfo v : ids) {
        int id = ids.getID(v.getName());
        column[id] = Integer.parseInt(v.getName().substring(1));
        if (column[id] >= width) {
          throw new IllegalStateException("tree feature " + v.getName() + " is outside the " + width + " columns");
        }
      }
      List<Node<Label>> nodes = new ArrayList<>();
      collect(tree.getRoot(), nodes);
      int size = nodes.size();
      feature[t] = new int[size];
      threshold[t] = new double[size];
      lessOrEqual[t] = new int[size];
      greater[t] = new int[size];
      click[t] = new double[size];
      java.util.IdentityHashMap<Node<Label>, Integer> index = new java.util.IdentityHashMap<>();
      for (int i = 0; i < size; i++) {
        index.put(nodes.get(i), i);
      }
      for (int i = 0; i < size; i++) {
        Node<Label> node = nodes.get(i);
        if (node instanceof SplitNode<Label> split) {
          feature[t][i] = column[split.getFeatureID()];
          threshold[t][i] = split.splitValue();
          lessOrEqual[t][i] = index.get(split.getLessThanOrEqual());
          greater[t][i] = index.get(split.getGreaterThan());
        } else {
          LeafNode<Label> leaf = (LeafNode<Label>) node;
          Label share = leaf.getDistribution().get(CLICK);
          feature[t][i] = -1;
          click[t][i] = share == null ? 0.0 : share.getScore();
        }
      }
    }
    return new Forest(feature, threshold, lessOrEqual, greater, click);
  }

  private static void collect(Node<Label> node, List<Node<Label>> out) {
    java.util.ArrayDeque<Node<Label>> stack = new java.util.ArrayDeque<>();
    stack.push(node);
    while (!stack.isEmpty()) {
      Node<Label> n = stack.pop();
      out.add(n);
      if (n instanceof SplitNode<Label> split) {
        stack.push(split.getGreaterThan());
        stack.push(split.getLessThanOrEqual());
      }
    }
  }

  /** The number of trees in each forest. */
  public int trees() {
    return forests[0][0].trees();
  }

  @Override
  public double at(int round, int action, int position) {
    return forests[foldOfRound[round]][position].predict(context[round], actionContext[action]);
  }

  /**
   * Every estimate at once, {@code [round][action][position]}: the table the direct method reads,
   * for callers that read it many times.
   */
  public double[][][] table() {
    int positions = forests[0].length;
    double[][][] q = new double[context.length][actionContext.length][positions];
    for (int i = 0; i < context.length; i++) {
      for (int a = 0; a < actionContext.length; a++) {
        for (int p = 0; p < positions; p++) {
          q[i][a][p] = at(i, a, p);
        }
      }
    }
    return q;
  }
}
