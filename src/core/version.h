/* version.h — the nimbus version string. */
#ifndef NB_VERSION_H
#define NB_VERSION_H
#define NB_VERSION "0.1.0"
#endif
