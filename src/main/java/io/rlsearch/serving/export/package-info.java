/**
 * Export of a policy's ranking rule to the learning-to-rank modules of search engines (Solr's LTR
 * module, the OpenSearch/Elasticsearch LTR plugin): a policy whose ranking is a linear boost of the
 * candidate features for a given context ({@code base_score + sum_j w_j f_j}) becomes a feature store
 * and one linear model per context. Pure and deterministic, like the rest of {@code io.rlsearch.serving}.
 */
package io.rlsearch.serving.export;
