"""The micro_speech audio front end (firmware/frontend, C99) on the host.

It computes what TensorFlow's audio_microfrontend_op computes, byte for byte, with
the same C code the firmware runs: `features(samples)` for a whole clip,
`Frontend().process(chunk)` for a stream.
"""
from .host import (Frontend, feature_to_int8, feature_to_int8_classic, features,
                   micro_speech_settings)

__all__ = ["Frontend", "feature_to_int8", "feature_to_int8_classic", "features",
           "micro_speech_settings"]
