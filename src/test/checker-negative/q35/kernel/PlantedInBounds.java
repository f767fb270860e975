package q35.kernel;

/**
 * Positive control of IndexCheckerNegativeControlTest: the same set-up accepts an access the
 * Index Checker can show in bounds, so the negative control fails for its planted access alone.
 */
final class PlantedInBounds {

  private PlantedInBounds() {}

  static int sum(int[] a) {
    int s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i];
    }
    return s;
  }
}
