/**
 * Types for the few `natural` sub-modules Watchfloor imports. The package root is never imported:
 * it loads its whole tree, prints to stdout and reads `.env` (see docs/adr on classification).
 */
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  interface ApparatusBayes {
    classFeatures: Record<string, Record<string, number>>;
    classTotals: Record<string, number>;
    totalExamples: number;
    smoothing: number;
  }
  export default class BayesClassifier {
    constructor(stemmer?: unknown, smoothing?: number);
    classifier: ApparatusBayes;
    /** Vocabulary in insertion order; a feature's index is its position here. */
    features: Record<string, number>;
    addDocument(text: string | string[], classification: string): void;
    /** The 0/1 vector of a document over `features`, in their order (what train() counts). */
    textToFeatures(observation: string | string[]): number[];
    train(): void;
    getClassifications(observation: string | string[]): { label: string; value: number }[];
  }
}

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
