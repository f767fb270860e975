package q35.kernel;

/**
 * Negative control of the Index Checker (IndexCheckerNegativeControlTest): a read one past the
 * end of an array, in a class the build's pattern index.classes must select. Never part of q35.
 */
final class PlantedOutOfBounds {

  private PlantedOutOfBounds() {}

  static int pastTheEnd(int[] a) {
    return a[a.length];
  }
}
