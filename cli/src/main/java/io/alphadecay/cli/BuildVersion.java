package io.alphadecay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version and build time the build wrote into the jar. */
public final class BuildVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"alphadecay " + describe()};
    }

    /** "0.1.0 (built …)", or "dev" when run from classes without build information. */
    public static String describe() {
        try (InputStream in =
                BuildVersion.class.getClassLoader().getResourceAsStream("META-INF/build-info.properties")) {
            if (in != null) {
                Properties build = new Properties();
                build.load(in);
                return build.getProperty("build.version", "unknown") + " (built " + build.getProperty("build.time", "?")
                        + ")";
            }
        } catch (IOException ex) {
            // Fall through.
        }
        return "dev";
    }
}
