package com.example.sentiment.feedback;

import java.util.List;

/**
 * One page of corrections, newest first.
 *
 * @param page the page number, from 0
 * @param total corrections that match the filter, on every page
 */
public record FeedbackPage(List<Feedback> items, int page, int size, long total) {
}
