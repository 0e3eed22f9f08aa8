package io.rlsearch.eval.logs;

import java.util.List;

/**
 * One row of {@code item_context.csv}: an item (arm) of the campaign and its features.
 *
 * @param itemId the item's index ({@code item_id}), equal to its row number from 0
 * @param feature0 the numeric item feature ({@code item_feature_0})
 * @param categorical the hashed categorical features ({@code item_feature_1..3}) as written; OBP's
 *     {@code action_context} label-encodes them, see {@link ObdDataset#actionContext()}
 */
public record ObdItem(int itemId, double feature0, List<String> categorical) {
  public ObdItem {
    categorical = List.copyOf(categorical);
  }
}
