package com.example.sentiment.ml;

/**
 * How a word-vector model (the student) learns from another model version (the teacher), as in Tang et al.
 * (2019): the training texts and augmented copies of them ({@link TextAugmentation}) are labelled with the
 * teacher's probabilities, and the student's loss is the cross-entropy against those soft targets. The student
 * is an ordinary word-vector model and serves as fast as one.
 *
 * @param teacher the teacher's model version id
 * @param augmentation augmented copies made of each training text (fewer for texts too short to vary that
 *                     much); 0 = the training texts only. Each costs the teacher's labelling of one text and the
 *                     student's training of one more example per epoch
 * @param teacherWeight in the target of a training text, the weight of the teacher's probabilities; the true
 *                      label has the rest. Augmented texts, which have no true label, take the teacher's alone
 * @param augmentedExamples augmented texts the job added to its training data; null until it made them
 * @param labellingSeconds how long the teacher took to label the texts; null until it did
 */
public record Distillation(String teacher, int augmentation, double teacherWeight, Integer augmentedExamples,
                           Double labellingSeconds) {

    /** The settings of a job, before it labelled anything. */
    public Distillation(String teacher, int augmentation, double teacherWeight) {
        this(teacher, augmentation, teacherWeight, null, null);
    }

    /** These settings with what the job made of them. */
    public Distillation withOutcome(int augmented, double seconds) {
        return new Distillation(teacher, augmentation, teacherWeight, augmented, Math.round(seconds * 10) / 10.0);
    }
}
