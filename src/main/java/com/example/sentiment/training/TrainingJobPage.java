package com.example.sentiment.training;

import java.util.List;

/**
 * One page of training jobs, newest first: the same shape and parameters as the correction list
 * ({@code GET /api/v1/feedback}).
 *
 * @param page the page number, from 0
 * @param total jobs on every page
 */
record TrainingJobPage(List<TrainingJobView> items, int page, int size, long total) {
}
