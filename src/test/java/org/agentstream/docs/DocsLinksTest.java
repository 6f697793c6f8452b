package org.agentstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link and image in README.md and docs/*.md points at a file that exists, and a link with an anchor
 * at a heading of its page, so that moving a section between pages cannot leave a reader at a dead link.
 */
class DocsLinksTest {

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title after the target. */
    private static final Pattern LINK =
            Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+).+?\\1");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            broken.addAll(brokenLinks(page));
        }
        assertEquals(List.of(), broken, "links that lead nowhere");
    }

    @Test
    void theReadmeAndTheDocsPagesAreRead() throws IOException {
        List<Path> pages = pages();
        assertTrue(pages.contains(Path.of("README.md")), "run from the project directory: " + pages);
        assertTrue(pages.size() > 1, "docs/*.md: " + pages);
    }

    @Test
    void aLinkToAMissingFileIsReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("there.md"), "# There\n");
        Path page = write(dir.resolve("page.md"), "See [there](there.md) and [gone](gone.md), ![a picture](gone.png).");

        assertEquals(List.of(page + ": gone.md (no such file)", page + ": gone.png (no such file)"),
                brokenLinks(page));
    }

    @Test
    void aLinkToAMissingHeadingIsReported(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve("docs"));
        write(dir.resolve("docs/setup.md"), "# Setup\n\n## Sign-in\n\n## Remote models (OpenAI-compatible)\n");
        Path page = write(dir.resolve("README.md"), """
                # Intro

                [ok](docs/setup.md#sign-in), [ok](docs/setup.md#remote-models-openai-compatible), [ok](#intro),
                [moved](docs/setup.md#configure), [moved](#sign-in).
                """);

        assertEquals(List.of(page + ": docs/setup.md#configure (no such heading)",
                page + ": #sign-in (no such heading)"), brokenLinks(page));
    }

    @Test
    void linksToTheWebAndLinksInCodeAreLeftAlone(@TempDir Path dir) throws IOException {
        Path page = write(dir.resolve("page.md"), """
                [web](https://example.com/x.md), [mail](mailto:someone@example.com), `[code](gone.md)`

                ```
                [fenced](gone.md)
                # not a heading
                ```
                """);

        assertEquals(List.of(), brokenLinks(page));
        assertFalse(anchors(Files.readString(page)).contains("not-a-heading"));
    }

    @Test
    void headingsBecomeGitHubAnchors() {
        assertEquals("remote-models-openai-compatible", slug("Remote models (OpenAI-compatible)"));
        assertEquals("status", slug("`/status`"));
        assertEquals("realm-roles-and-users-per-server", slug("Realm, roles and users per server"));
        assertEquals("wire-protocol-v1", slug("Wire protocol v1"));
        assertEquals(Set.of("setup", "setup-1"), anchors("# Setup\n## Setup\n"));
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Each relative link of the page that leads nowhere, as "page: target (why)". */
    static List<String> brokenLinks(Path page) throws IOException {
        String markdown = Files.readString(page, StandardCharsets.UTF_8);
        Path folder = page.toAbsolutePath().getParent();
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(withoutCode(markdown));
        while (link.find()) {
            String target = link.group(1);
            if (target.isEmpty() || SCHEME.matcher(target).find()) {
                continue;
            }
            int hash = target.indexOf('#');
            String file = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? "" : target.substring(hash + 1);
            Path resolved = file.isEmpty() ? page.toAbsolutePath() : folder.resolve(file).normalize();
            if (!Files.exists(resolved)) {
                broken.add(page + ": " + target + " (no such file)");
            } else if (!anchor.isEmpty() && resolved.toString().endsWith(".md")
                    && !anchors(Files.readString(resolved, StandardCharsets.UTF_8)).contains(anchor)) {
                broken.add(page + ": " + target + " (no such heading)");
            }
        }
        return broken;
    }

    /** The anchors GitHub gives the page's headings; a repeated heading gets -1, -2, ... */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutFencedBlocks(markdown).split("\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int times = seen.merge(slug, 1, Integer::sum);
                anchors.add(times == 1 ? slug : slug + "-" + (times - 1));
            }
        }
        return anchors;
    }

    /** GitHub's rule: lower case, punctuation dropped except hyphens and underscores, each space a hyphen. */
    static String slug(String heading) {
        StringBuilder slug = new StringBuilder();
        heading.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    private static String withoutCode(String markdown) {
        StringBuilder text = new StringBuilder();
        for (String line : withoutFencedBlocks(markdown).split("\n")) {
            text.append(CODE_SPAN.matcher(line).replaceAll("")).append('\n');
        }
        return text.toString();
    }

    private static String withoutFencedBlocks(String markdown) {
        StringBuilder text = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                fenced = !fenced;
            } else if (!fenced) {
                text.append(line).append('\n');
            }
        }
        return text.toString();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
