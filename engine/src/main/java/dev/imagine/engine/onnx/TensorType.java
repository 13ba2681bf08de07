package dev.imagine.engine.onnx;

import ai.onnxruntime.OnnxJavaType;

/** The element types the engine feeds to and reads from Stable Diffusion graphs. */
enum TensorType {
    FLOAT32, FLOAT16, INT32, INT64, BOOL, OTHER;

    static TensorType of(OnnxJavaType type) {
        switch (type) {
            case FLOAT:
                return FLOAT32;
            case FLOAT16:
                return FLOAT16;
            case INT32:
                return INT32;
            case INT64:
                return INT64;
            case BOOL:
                return BOOL;
            default:
                return OTHER;
        }
    }

    boolean isFloat() {
        return this == FLOAT32 || this == FLOAT16;
    }

    String onnxName() {
        switch (this) {
            case FLOAT32:
                return "float32";
            case FLOAT16:
                return "float16";
            case INT32:
                return "int32";
            case INT64:
                return "int64";
            case BOOL:
                return "bool";
            default:
                return "unsupported";
        }
    }
}
