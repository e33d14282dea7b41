/**
 * Image build step: loads ND4J's CPU backend once so that JavaCPP extracts its native libraries
 * (libnd4jcpu, OpenBLAS, JavaCPP's JNI glue) into {@code -Dorg.bytedeco.javacpp.cachedir}. The container then
 * starts without unpacking ~400 MB of natives and works with a read-only root filesystem.
 *
 * <p>Reflection only, so this compiles without the application's dependencies on the class path.
 */
public final class WarmNatives {

    private WarmNatives() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> nd4j = Class.forName("org.nd4j.linalg.factory.Nd4j");
        Object ones = nd4j.getMethod("ones", int[].class).invoke(null, (Object) new int[] {2, 3});
        Object sum = ones.getClass().getMethod("sumNumber").invoke(ones);
        if (((Number) sum).doubleValue() != 6.0) {
            throw new IllegalStateException("ND4J computed " + sum + " instead of 6");
        }
        System.out.println("ND4J natives loaded; JavaCPP cache: " + System.getProperty("org.bytedeco.javacpp.cachedir"));
    }
}
