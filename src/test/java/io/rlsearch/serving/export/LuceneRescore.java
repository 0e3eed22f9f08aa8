package io.rlsearch.serving.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.queries.function.FunctionScoreQuery;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Candidates ranked by Lucene, as Solr's and OpenSearch's LTR modules rank them with an exported linear
 * model: each candidate a document whose base score and candidate features are numeric doc-value fields,
 * scored by a {@link FunctionScoreQuery} whose value is the model's weighted sum, computed as the
 * engines compute it, in float32 (float weights times float feature values, summed in the model's
 * feature order). Lucene refuses negative scores, so a constant {@code offset} is added to every
 * document's score (the order is unchanged; an engine's users shift the fields, docs/export.md).
 */
public final class LuceneRescore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LuceneRescore() {}

  /**
   * The candidates of {@code r} whose {@code scores} are at least {@code gap} from every candidate kept
   * before them, in {@code r}'s order, as a request asking for all of them.
   */
  public static io.rlsearch.serving.RankRequest separated(io.rlsearch.serving.RankRequest r, double[] scores,
      double gap) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      final double s = scores[i];
      if (keep.stream().allMatch(k -> Math.abs(scores[k] - s) >= gap)) {
        keep.add(i);
      }
    }
    int n = keep.size();
    String[] ids = new String[n];
    double[] base = new double[n];
    double[][] f = new double[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = r.ids()[keep.get(i)];
      base[i] = r.baseScore(keep.get(i));
      f[i] = r.features()[keep.get(i)];
    }
    return new io.rlsearch.serving.RankRequest(java.util.Optional.empty(), java.util.Optional.empty(), r.context(),
        ids, base, f, n);
  }

  /** The weights of an exported model file, by feature name, in the file's order (either format). */
  public static Map<String, Float> weights(String modelJson) throws IOException {
    JsonNode root = JSON.readTree(modelJson);
    JsonNode w = root.has("model") ? root.path("model").path("model").path("definition")
        : root.path("params").path("weights");
    if (!w.isObject() || w.isEmpty()) {
      throw new IllegalArgumentException("no weights in " + modelJson);
    }
    Map<String, Float> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), Float.parseFloat(e.getValue().asText()));
    }
    return out;
  }

  /**
   * The candidates' indices, best first, as Lucene ranks them with {@code weights} ({@link #weights};
   * the base score's feature named {@link PolicyExport#BASE}).
   *
   * @param features each candidate's values of {@code names}
   */
  public static int[] rank(double[] base, double[][] features, List<String> names, Map<String, Float> weights,
      double offset) throws IOException {
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
        for (int i = 0; i < base.length; i++) {
          Document d = new Document();
          d.add(new StoredField("id", i));
          d.add(new DoubleDocValuesField(PolicyExport.BASE, base[i]));
          for (int j = 0; j < names.size(); j++) {
            d.add(new DoubleDocValuesField(names.get(j), features[i][j]));
          }
          w.addDocument(d);
        }
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        TopDocs top = searcher.search(new FunctionScoreQuery(new MatchAllDocsQuery(),
            new Linear(new ArrayList<>(weights.keySet()), weights, (float) offset)), base.length);
        int[] out = new int[top.scoreDocs.length];
        for (int i = 0; i < out.length; i++) {
          ScoreDoc sd = top.scoreDocs[i];
          out[i] = searcher.storedFields().document(sd.doc).getField("id").numericValue().intValue();
        }
        return out;
      }
    }
  }

  /** {@code offset + sum_f weight_f * field_f} in float32, in the model's feature order. */
  private static final class Linear extends DoubleValuesSource {
    private final List<String> fields;
    private final Map<String, Float> weights;
    private final float offset;

    Linear(List<String> fields, Map<String, Float> weights, float offset) {
      this.fields = List.copyOf(fields);
      this.weights = Map.copyOf(weights);
      this.offset = offset;
    }

    @Override
    public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
      DoubleValues[] v = new DoubleValues[fields.size()];
      float[] w = new float[fields.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = DoubleValuesSource.fromDoubleField(fields.get(j)).getValues(ctx, scores);
        w[j] = weights.get(fields.get(j));
      }
      return new DoubleValues() {
        private float value;

        @Override
        public double doubleValue() {
          return value;
        }

        @Override
        public boolean advanceExact(int doc) throws IOException {
          float s = 0f;
          for (int j = 0; j < v.length; j++) {
            float f = v[j].advanceExact(doc) ? (float) v[j].doubleValue() : 0f;
            s += w[j] * f;
          }
          value = s + offset;
          return true;
        }
      };
    }

    @Override
    public boolean needsScores() {
      return false;
    }

    @Override
    public DoubleValuesSource rewrite(IndexSearcher searcher) {
      return this;
    }

    @Override
    public boolean isCacheable(LeafReaderContext ctx) {
      return false;
    }

    @Override
    public int hashCode() {
      return Objects.hash(fields, weights, offset);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Linear l && l.fields.equals(fields) && l.weights.equals(weights) && l.offset == offset;
    }

    @Override
    public String toString() {
      return "linear" + weights;
    }
  }
}
