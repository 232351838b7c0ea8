package io.wasmchord.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Two panels of size (bits per weight) against quality: mean KL divergence (log scale) and
 * perplexity, one labelled point per file. Drawn once as SVG and once as PNG from the same layout.
 */
public final class QualityChart {
    /** One file: its label, bits per weight, mean KLD against the base, perplexity. */
    public record Point(String label, double bpw, double kld, double ppl) {
    }

    private static final int PANEL_W = 520;
    private static final int PANEL_H = 380;
    private static final int MARGIN_L = 70;
    private static final int MARGIN_T = 50;
    private static final int MARGIN_B = 50;
    private static final int GAP = 90;
    private static final int WIDTH = MARGIN_L + PANEL_W + GAP + PANEL_W + 80;
    /** Bits-per-weight ticks; the axis is logarithmic so the crowded 3-8 bit range spreads out. */
    private static final double[] X_TICKS = {2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64};
    private static final int HEIGHT = MARGIN_T + PANEL_H + MARGIN_B;

    private final String title;
    private final List<Point> points;

    private QualityChart(String title, List<Point> points) {
        this.title = title;
        this.points = points;
    }

    public static QualityChart of(String title, List<Point> points) {
        return new QualityChart(title, points);
    }

    /** Drawing primitives, so SVG and PNG share one layout. */
    private interface Canvas {
        void line(double x1, double y1, double x2, double y2, String color, double width);

        void circle(double x, double y, double r, String color);

        void text(double x, double y, String s, int size, boolean centered, String color);
    }

    private void draw(Canvas c) {
        c.text(WIDTH / 2.0, 24, title, 15, true, "#000000");
        double minBpw = Double.MAX_VALUE;
        double maxBpw = -Double.MAX_VALUE;
        double minKld = Double.MAX_VALUE;
        double maxKld = -Double.MAX_VALUE;
        double minPpl = Double.MAX_VALUE;
        double maxPpl = -Double.MAX_VALUE;
        for (Point p : points) {
            minBpw = Math.min(minBpw, p.bpw());
            maxBpw = Math.max(maxBpw, p.bpw());
            minPpl = Math.min(minPpl, p.ppl());
            maxPpl = Math.max(maxPpl, p.ppl());
            if (p.kld() > 0) {
                minKld = Math.min(minKld, p.kld());
                maxKld = Math.max(maxKld, p.kld());
            }
        }
        if (points.isEmpty()) {
            return;
        }
        if (minKld > maxKld) {
            minKld = 1e-6;
            maxKld = 1;
        }
        double logMin = Math.floor(Math.log10(minKld));
        double logMax = Math.ceil(Math.log10(maxKld));
        if (logMax <= logMin) {
            logMax = logMin + 1;
        }
        double bpwLo = Math.log(minBpw * 0.9);
        double bpwHi = Math.log(maxBpw * 1.1);
        double pplPad = Math.max(1e-3, (maxPpl - minPpl) * 0.1);
        panel(c, MARGIN_L, "mean KL divergence vs base (log)", bpwLo, bpwHi, logMin, logMax, true);
        panel(c, MARGIN_L + PANEL_W + GAP, "perplexity", bpwLo, bpwHi, minPpl - pplPad, maxPpl + pplPad, false);
        int index = 0;
        for (Point p : points) {
            // alternate labels above and below their points, so neighbours overlap less
            double dy = index++ % 2 == 0 ? -6 : 14;
            double x1 = MARGIN_L + (Math.log(p.bpw()) - bpwLo) / (bpwHi - bpwLo) * PANEL_W;
            double x2 = x1 + PANEL_W + GAP;
            double y2 = MARGIN_T + PANEL_H - (p.ppl() - (minPpl - pplPad)) / ((maxPpl + pplPad) - (minPpl - pplPad)) * PANEL_H;
            c.circle(x2, y2, 4, "#c0392b");
            c.text(x2 + 6, y2 + dy, p.label(), 10, false, "#333333");
            if (p.kld() > 0) {
                double y1 = MARGIN_T + PANEL_H - (Math.log10(p.kld()) - logMin) / (logMax - logMin) * PANEL_H;
                c.circle(x1, y1, 4, "#2c6fbb");
                c.text(x1 + 6, y1 + dy, p.label(), 10, false, "#333333");
            }
        }
    }

    private static void panel(Canvas c, double left, String label, double xLo, double xHi, double yLo, double yHi,
                              boolean logY) {
        double top = MARGIN_T;
        double bottom = MARGIN_T + PANEL_H;
        for (double x : X_TICKS) {
            if (Math.log(x) < xLo || Math.log(x) > xHi) {
                continue;
            }
            double px = left + (Math.log(x) - xLo) / (xHi - xLo) * PANEL_W;
            c.line(px, top, px, bottom, "#e0e0e0", 1);
            c.text(px, bottom + 16, String.format(Locale.ROOT, "%.0f", x), 11, true, "#000000");
        }
        int ticks = logY ? (int) Math.round(yHi - yLo) : 5;
        double yStep = (yHi - yLo) / ticks;
        int decimals = logY ? 0 : Math.max(0, (int) Math.ceil(-Math.log10(yStep)) + 1);
        for (int i = 0; i <= ticks; i++) {
            double v = yLo + yStep * i;
            double py = bottom - (v - yLo) / (yHi - yLo) * PANEL_H;
            c.line(left, py, left + PANEL_W, py, "#e0e0e0", 1);
            String s = logY ? "1e" + (int) Math.round(v) : String.format(Locale.ROOT, "%." + decimals + "f", v);
            c.text(left - 8, py + 4, s, 11, false, "#000000");
        }
        c.line(left, bottom, left + PANEL_W, bottom, "#000000", 1);
        c.line(left, top, left, bottom, "#000000", 1);
        c.text(left + PANEL_W / 2.0, bottom + 38, "bits per weight (whole file, log scale)", 12, true, "#000000");
        c.text(left + PANEL_W / 2.0, top - 8, label, 12, true, "#000000");
    }

    public String svg() {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        draw(new Canvas() {
            @Override
            public void line(double x1, double y1, double x2, double y2, String color, double width) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
                        x1, y1, x2, y2, color, width));
            }

            @Override
            public void circle(double x, double y, double r, String color) {
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, r, color));
            }

            @Override
            public void text(double x, double y, String s, int size, boolean centered, String color) {
                String escaped = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\"%s>%s</text>%n",
                        x, y, size, color, centered ? " text-anchor=\"middle\"" : (x < MARGIN_L + 1 || (x > MARGIN_L + PANEL_W
                                && x < MARGIN_L + PANEL_W + GAP) ? " text-anchor=\"end\"" : ""), escaped));
            }
        });
        return sb.append("</svg>\n").toString();
    }

    public void writePng(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        List<Runnable> texts = new ArrayList<>();
        draw(new Canvas() {
            @Override
            public void line(double x1, double y1, double x2, double y2, String color, double width) {
                g.setColor(Color.decode(color));
                g.setStroke(new BasicStroke((float) width));
                g.drawLine((int) Math.round(x1), (int) Math.round(y1), (int) Math.round(x2), (int) Math.round(y2));
            }

            @Override
            public void circle(double x, double y, double r, String color) {
                g.setColor(Color.decode(color));
                g.fillOval((int) Math.round(x - r), (int) Math.round(y - r), (int) Math.round(2 * r), (int) Math.round(2 * r));
            }

            @Override
            public void text(double x, double y, String s, int size, boolean centered, String color) {
                texts.add(() -> {
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
                    g.setColor(Color.decode(color));
                    int w = g.getFontMetrics().stringWidth(s);
                    boolean rightAligned = !centered && (x < MARGIN_L + 1 || (x > MARGIN_L + PANEL_W && x < MARGIN_L + PANEL_W + GAP));
                    int px = (int) Math.round(centered ? x - w / 2.0 : rightAligned ? x - w : x);
                    g.drawString(s, px, (int) Math.round(y));
                });
            }
        });
        texts.forEach(Runnable::run);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
