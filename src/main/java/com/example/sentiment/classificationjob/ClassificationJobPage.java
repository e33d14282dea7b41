package com.example.sentiment.classificationjob;

import java.util.List;

/** One page of classification jobs, newest first. */
record ClassificationJobPage(List<ClassificationJobView> items, int page, int size, long total) {
}
