import { expect } from "chai";
import { timeElement } from "../src/views.js";

describe("times on pages", () => {
  it("when a moment is printed, then it is labelled UTC and carries the exact instant for the browser to show in the shopper's zone", () => {
    expect(timeElement("2026-12-03T17:40:05.123Z", "datetime")).to.equal('<time datetime="2026-12-03T17:40:05.123Z" data-local="datetime">Dec 3, 2026, 05:40 PM UTC</time>');
  });

  it("when only the day of a moment is printed, then it is the UTC day, also convertible by the browser", () => {
    expect(timeElement("2026-12-03T23:30:00Z", "date")).to.equal('<time datetime="2026-12-03T23:30:00.000Z" data-local="date">Dec 3, 2026</time>');
  });

  it("when the value is a calendar date (an expected arrival), then it has no zone: printed as is and never shifted", () => {
    expect(timeElement("2026-12-24", "date")).to.equal('<time datetime="2026-12-24">Dec 24, 2026</time>');
  });

  it("when the value is missing or not a date, then nothing is printed", () => {
    expect(timeElement(undefined, "datetime")).to.equal("");
    expect(timeElement("not a date", "date")).to.equal("");
    expect(timeElement({}, "date")).to.equal("");
  });
});
