package io.spindle.driver.job;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every example job in deploy/configs is valid as shipped (the README and scripts point users at them). */
class ExampleJobsTest {

    @Test
    void everyExampleJobValidates() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir"), "..", "deploy", "configs");
        List<Path> jobs;
        try (Stream<Path> s = Files.list(dir)) {
            jobs = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(jobs.size() >= 4, "found " + jobs);
        for (Path job : jobs) {
            JobConfig c = JobConfig.parse(Files.readString(job), job.toString(), List.of());
            assertEquals(job.getFileName().toString().replace(".json", ""), c.name(), "name matches the file");
            assertTrue(c.model().outputShape()[0] >= 1);
        }
    }
}
