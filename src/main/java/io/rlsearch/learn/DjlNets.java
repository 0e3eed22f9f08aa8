package io.rlsearch.learn;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import io.rlsearch.agents.nn.Mlp;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/** Conversions between {@link Mlp} weights and DJL blocks. */
final class DjlNets {
  private DjlNets() {}

  /** A {@code Linear}/activation stack with the sizes of {@code m}. */
  static SequentialBlock block(Mlp m) {
    int[] sizes = m.sizes();
    SequentialBlock b = new SequentialBlock();
    for (int l = 1; l < sizes.length; l++) {
      b.add(Linear.builder().setUnits(sizes[l]).build());
      if (l < sizes.length - 1) {
        b.add(m.activation() == Mlp.Activation.RELU ? Activation.reluBlock() : Activation.tanhBlock());
      }
    }
    return b;
  }

  /** The block's parameters in layer order: weight, bias, weight, bias, ... */
  static List<Parameter> parameters(Block block) {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  /** Copies {@code m}'s weights into an initialised block. */
  static void load(Block block, Mlp m) {
    List<Parameter> ps = parameters(block);
    List<float[]> values = m.parameters();
    if (ps.size() != values.size()) {
      throw new IllegalStateException("block has " + ps.size() + " parameters, weights have " + values.size());
    }
    for (int i = 0; i < ps.size(); i++) {
      NDArray a = ps.get(i).getArray();
      if (a.size() != values.get(i).length) {
        throw new IllegalStateException("parameter " + i + " has " + a.size() + " values, weights have "
            + values.get(i).length);
      }
      a.set(FloatBuffer.wrap(values.get(i)));
    }
  }

  /** The block's weights as an {@link Mlp} with the shape of {@code like}. */
  static Mlp export(Block block, Mlp like) {
    List<Parameter> ps = parameters(block);
    int layers = ps.size() / 2;
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = ps.get(2 * l).getArray().toFloatArray();
      b[l] = ps.get(2 * l + 1).getArray().toFloatArray();
    }
    return new Mlp(like.sizes(), w, b, like.activation());
  }

  /** A model holding a block initialised for {@code inputs} inputs with {@code m}'s weights. */
  static Model model(String name, NDManager manager, Mlp m) {
    Model model = Model.newInstance(name, manager.getDevice());
    SequentialBlock b = block(m);
    model.setBlock(b);
    b.initialize(manager, DataType.FLOAT32, new Shape(1, m.inputs()));
    load(b, m);
    return model;
  }
}
