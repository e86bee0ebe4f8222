"""TensorFlow pipelines that make the example models (hello_world, micro_speech, magic_wand).

Each module has main(args) for `lab train <model>`: it trains, converts to float
and full-int8 .tflite, evaluates both in TFLite Micro's interpreter, prints the
accuracy and a confusion matrix, and writes the models with a JSON card.
"""
